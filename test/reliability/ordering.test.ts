import { CONNECTION_LIST_CACHE_MS } from "@rooms/core/limits";
import type { Message, ServerFrame } from "@rooms/core/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLive, type LiveClient, type ReceivedFrame } from "../support/live-client";
import { once } from "../support/once";
import type { Session } from "../support/room-session";
import { eventually, sleep } from "../support/wait";
import { type ReliabilityStack, startReliabilityStack } from "./support/reliability-stack";

/**
 * Ordering: 20 members send 30 messages each into one room at once (each waits for its own echo before the next,
 * as a chat client does), while 10% of the room's members drop and reconnect at random moments. A member that
 * reconnects takes a fresh ticket and asks `sync {afterSeq: <the last seq it holds without a gap>}`, following
 * `hasMore`; any live `message` whose seq is not the next one it expects makes it sync the gap, and at the end a
 * `ping` whose `pong.lastSeq` is ahead of it does too. A sender whose socket dropped before its echo came resends
 * the same clientMessageId on the new socket (idempotent). In the end every member must hold exactly the stored
 * messages, seq 1..600, in order, without a gap or a duplicate, and the stored history over HTTP must equal it.
 */
const SENDERS = 20;
const PER_SENDER = 30;
const TOTAL = SENDERS * PER_SENDER;
const LISTENERS = 10;
const MEMBERS = SENDERS + LISTENERS;
/** 10% of the members reconnect, each several times, at random moments while messages flow. */
const RECONNECTING = Math.round(MEMBERS / 10);
const RECONNECT_EVERY_MS: [number, number] = [1_500, 6_000];
/**
 * At most this many messages may be stored ahead of what the slowest steady member received. The echo now comes
 * before the room's fan-out, so without this, senders would race ahead of delivery and the one process running
 * every "Lambda" would hold thousands of posts in flight (see load.test.ts on what that measures instead).
 */
const AHEAD_OF_DELIVERY = 6;
const SEED = 20_261_127;
/** At most this share of sends may be refused as a lost seq race (see the test that checks it). */
const MAX_REFUSED_SHARE = 0.03;

/** A small seeded PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = prng(SEED);
const between = ([min, max]: [number, number]) => min + Math.floor(random() * (max - min));

type SnapshotFrame = Extract<ServerFrame, { type: "snapshot" }>;
type SyncReason = "reconnect" | "gap" | "page" | "pong";

/**
 * One member of the room as a resuming client keeps it: the messages it holds by seq, the highest seq up to which
 * it holds all (`contiguous`), at most one `sync` in flight, and its current socket (replaced on reconnect).
 */
class SeqMember {
  readonly held = new Map<number, Message>();
  /** clientMessageIds of this member's own messages it holds. */
  readonly ownHeld = new Set<string>();
  contiguous = 0;
  client!: LiveClient;
  /** Bumped on every reconnect: a wait on an older socket gives up. */
  generation = 0;
  reconnects = 0;
  readonly syncs: Record<SyncReason, number> = { reconnect: 0, gap: 0, page: 0, pong: 0 };
  /** `message` frames (or snapshot entries) for a seq already held: dropped, but counted and compared. */
  duplicates = 0;
  /** A seq that came with two different messages (must never happen). */
  readonly mismatches: string[] = [];
  readonly errors: ReceivedFrame[] = [];
  /** Live `message` frames received (not sync answers): how far delivery got. */
  liveMessages = 0;
  #syncing = false;
  #snapshotParts: SnapshotFrame[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(
    readonly session: Session,
    readonly roomId: string,
  ) {}

  get name() {
    return this.session.user.name;
  }

  attach(client: LiveClient) {
    this.client = client;
    this.generation++;
    this.#syncing = false;
    this.#snapshotParts = [];
    client.onFrame = (frame) => this.#onFrame(frame);
    this.#wake();
  }

  /** Drops the socket (politely or not), takes a fresh ticket, reconnects and syncs from where it stands. */
  async reconnect(env: ReliabilityStack, { abrupt }: { abrupt: boolean }) {
    const old = this.client;
    old.onFrame = undefined;
    this.generation++;
    this.#wake();
    if (abrupt) await old.terminate();
    else await old.close();
    this.attach(await connectLive(env.stack, { roomId: this.roomId, who: this.session }));
    this.reconnects++;
    this.sync("reconnect");
  }

  sync(reason: SyncReason) {
    if (this.#syncing) return;
    this.#syncing = true;
    this.syncs[reason]++;
    this.client.send({ action: "sync", afterSeq: this.contiguous });
  }

  /** Resolves once `check` holds, re-checked on every frame and reconnect; rejects after `timeoutMs`. */
  waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const value = check();
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `${this.name}: ${what} not within ${timeoutMs} ms (holds 1..${this.contiguous}, ${this.held.size} in all)`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(test);
      };
      this.#waiters.add(test);
      test();
    });
  }

  #wake() {
    for (const waiter of [...this.#waiters]) waiter();
  }

  #hold(message: Message) {
    const had = this.held.get(message.seq);
    if (had) {
      this.duplicates++;
      if (had.messageId !== message.messageId || had.text !== message.text)
        this.mismatches.push(`seq ${message.seq}: ${had.messageId} vs ${message.messageId}`);
      return;
    }
    this.held.set(message.seq, message);
    if (message.authorId === this.session.user.userId) this.ownHeld.add(message.clientMessageId);
    while (this.held.has(this.contiguous + 1)) this.contiguous++;
  }

  #onFrame(frame: ReceivedFrame) {
    switch (frame.type) {
      case "message": {
        this.liveMessages++;
        const expected = this.contiguous + 1;
        this.#hold(frame.message);
        if (frame.message.seq !== expected && frame.message.seq > this.contiguous) this.sync("gap");
        break;
      }
      case "snapshot": {
        this.#snapshotParts.push(frame);
        if (frame.part !== undefined && !frame.last) break;
        const parts = this.#snapshotParts.splice(0);
        for (const part of parts) for (const message of part.messages) this.#hold(message);
        this.#syncing = false;
        const newestHeld = Math.max(0, ...this.held.keys());
        if (frame.hasMore) this.sync("page");
        else if (newestHeld > this.contiguous) this.sync("gap");
        break;
      }
      case "pong":
        if (frame.lastSeq > this.contiguous) this.sync("pong");
        break;
      case "error":
        this.errors.push(frame);
        break;
      default:
    }
    this.#wake();
  }
}

let env: ReliabilityStack;
let roomId: string;
const members: SeqMember[] = [];

beforeAll(async () => {
  // As deployed: the connection-list cache on (members who reconnect may miss a message live and sync the gap).
  env = await startReliabilityStack({ connectionListCacheMs: CONNECTION_LIST_CACHE_MS });
  roomId = (await env.http.createRoom("ordering")).roomId;
  // One after the other: simultaneous joins are join-race.test.ts's and faults.test.ts's subject.
  for (let m = 0; m < MEMBERS; m++) {
    const client = await connectLive(env.stack, {
      roomId,
      who: m < SENDERS ? `sender-${m}` : `listener-${m - SENDERS}`,
    });
    const member = new SeqMember(client.session, roomId);
    member.attach(client);
    members.push(member);
  }
});

afterAll(async () => {
  await Promise.all(members.map((member) => member.client?.close().catch(() => {})));
  await env?.stop();
});

const idOf = (s: number, n: number) => `s${s}-${n}`;

describe(`${SENDERS} senders x ${PER_SENDER} messages into one room while ${RECONNECTING} of ${MEMBERS} members reconnect at random`, () => {
  /** Reconnecting members: picked at random, senders among them as likely as listeners. */
  const reconnecting = new Set<SeqMember>();
  const stats = { sendRetries: 0, resendsAfterReconnect: 0, elapsedMs: 0 };
  const refusals: ReceivedFrame[] = [];

  /** The run every test below checks: all senders send while members reconnect, until everyone holds 1..600. */
  const runScenario = once(async () => {
    while (reconnecting.size < RECONNECTING) reconnecting.add(members[Math.floor(random() * MEMBERS)]!);
    const steady = members.filter((member) => !reconnecting.has(member));
    const started = Date.now();
    let confirmed = 0;
    let sendingDone = false;

    /** Sends one message until the sender holds it (its echo, or a sync answer after a reconnect). */
    const sendOne = async (sender: SeqMember, clientMessageId: string, text: string) => {
      for (let attempt = 0; ; attempt++) {
        if (attempt > 20) throw new Error(`${sender.name}: ${clientMessageId} not stored after 20 attempts`);
        // Not while the slowest steady member is too far behind.
        await eventually(
          () => confirmed - Math.min(...steady.map((m) => m.liveMessages)) < AHEAD_OF_DELIVERY,
          {
            timeoutMs: 60_000,
            intervalMs: 5,
            describe: () =>
              `delivery stuck: ${confirmed} confirmed, slowest steady member got ${Math.min(...steady.map((m) => m.liveMessages))}`,
          },
        );
        const generation = sender.generation;
        const errorsBefore = sender.errors.length;
        if (sender.client.socket.readyState !== sender.client.socket.OPEN) {
          await sender.waitUntil(
            () => (sender.generation !== generation ? true : undefined),
            30_000,
            "a new socket",
          );
          stats.resendsAfterReconnect++;
          continue;
        }
        sender.client.send({ action: "sendMessage", text, clientMessageId });
        const outcome = await sender.waitUntil(
          () => {
            if (sender.ownHeld.has(clientMessageId)) return "stored" as const;
            if (sender.generation !== generation) return "reconnected" as const;
            const refused = sender.errors
              .slice(errorsBefore)
              .find((e) => (e as { clientMessageId?: string }).clientMessageId === clientMessageId);
            if (refused) {
              refusals.push(refused);
              return "refused" as const;
            }
            return undefined;
          },
          60_000,
          `the echo of ${clientMessageId}`,
        );
        if (outcome === "stored") return;
        if (outcome === "reconnected") stats.resendsAfterReconnect++;
        else {
          stats.sendRetries++;
          await sleep(50 + random() * 200);
        }
      }
    };

    const reconnectLoop = async (member: SeqMember) => {
      while (!sendingDone) {
        await sleep(between(RECONNECT_EVERY_MS));
        if (sendingDone) break;
        await member.reconnect(env, { abrupt: random() < 0.5 });
      }
    };

    const reconnections = [...reconnecting].map(reconnectLoop);
    // If sending fails, the loops stop at their next turn; one failing then (the stack going down after the
    // failed test) is not reported again as an unhandled rejection. On success they are awaited below.
    for (const loop of reconnections) loop.catch(() => {});
    try {
      await Promise.all(
        members.slice(0, SENDERS).map(async (sender, s) => {
          for (let n = 0; n < PER_SENDER; n++) {
            await sendOne(sender, idOf(s, n), `message ${n} from ${sender.name}`);
            confirmed++;
          }
        }),
      );
    } finally {
      sendingDone = true;
    }
    await Promise.all(reconnections);

    // Idle now: every member still behind pings (once a second), and one whose pong shows it behind syncs the rest.
    await eventually(
      () => {
        const behind = members.filter((member) => member.contiguous < TOTAL);
        for (const member of behind) member.client.send({ action: "ping" });
        return behind.length === 0;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 1_000,
        describe: () =>
          members
            .filter((m) => m.contiguous < TOTAL)
            .map((m) => `${m.name} holds 1..${m.contiguous}`)
            .join(", "),
      },
    );
    await sleep(500);
    stats.elapsedMs = Date.now() - started;

    const sum = (pick: (member: SeqMember) => number) =>
      members.reduce((total, member) => total + pick(member), 0);
    console.info(
      [
        `ordering: ${TOTAL} messages from ${SENDERS} senders to ${MEMBERS} members in ${(stats.elapsedMs / 1000).toFixed(1)} s`,
        `${sum((m) => m.reconnects)} reconnects by ${RECONNECTING} members (${[...reconnecting].map((m) => `${m.name} x${m.reconnects}`).join(", ")})`,
        `syncs: ${sum((m) => m.syncs.reconnect)} after a reconnect, ${sum((m) => m.syncs.gap)} for a gap, ${sum((m) => m.syncs.page)} more pages (hasMore), ${sum((m) => m.syncs.pong)} after a pong`,
        `${sum((m) => m.liveMessages)} live message frames, ${sum((m) => m.duplicates)} duplicates dropped by seq`,
        `sends: ${stats.sendRetries} refused and resent, ${stats.resendsAfterReconnect} resent after the sender reconnected`,
      ].join("; "),
    );
  });

  it(`every member ends up holding exactly the stored messages, seq 1..${TOTAL}, in order, no gap, no duplicate`, async () => {
    await runScenario();
    // What the room stored, over HTTP, 100 per page back from the newest.
    const stored: Message[] = [];
    let before: number | null = null;
    do {
      const reply = await env.http.call(
        "GET",
        `/rooms/${roomId}/messages?limit=100${before ? `&before=${before}` : ""}`,
      );
      expect(reply.status).toBe(200);
      stored.unshift(...(reply.json.messages as Message[]));
      before = reply.json.cursor;
    } while (before !== null);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
    const room = await env.http.call("GET", `/rooms/${roomId}`);
    expect(room.json.room.lastSeq).toBe(TOTAL);

    // Each sender's messages are stored once each, in the order it sent them.
    members.slice(0, SENDERS).forEach((sender, s) => {
      const mine = stored.filter((m) => m.authorId === sender.session.user.userId);
      expect(
        mine.map((m) => m.clientMessageId),
        sender.name,
      ).toEqual(Array.from({ length: PER_SENDER }, (_, n) => idOf(s, n)));
    });

    for (const member of members) {
      const held = [...member.held.keys()].sort((a, b) => a - b).map((seq) => member.held.get(seq)!);
      expect(member.contiguous, member.name).toBe(TOTAL);
      expect(held, member.name).toEqual(stored);
      expect(member.mismatches, member.name).toEqual([]);
    }
  });

  // On this 2-core machine 20 senders, 30 sockets, the handlers and DynamoDB Local share the CPU, so two things
  // the contract allows may happen and are counted rather than failed: a sender that loses the race for the next
  // seq for the whole send budget gets a retryable `internal` (nothing stored; it resends), and a post can time
  // out (the member sees the gap by seq and syncs it). What must never happen is anything else; and the test
  // above proves that every member still ends with exactly seq 1..600.
  it("a refused send is only the retryable `internal` of a lost seq race", async () => {
    await runScenario();
    expect(refusals.map((r) => (r as { code?: string }).code).filter((code) => code !== "internal")).toEqual(
      [],
    );
    // Rare: this file runs alone (vitest.workspace.ts) and a run sees 0 to 3 of 600 (0.5%). They were 1% to 7%
    // while the local stack's handlers shared the DynamoDB client's default 50 sockets, transactions queueing
    // for a socket (functions/src/config/table.ts). A livelock or a retry that starves old sends would refuse
    // far more. Each refused send was resent and stored once (the test above).
    console.log(`seq race: ${refusals.length} of ${TOTAL} sends refused with the retryable internal`);
    expect(refusals.length).toBeLessThanOrEqual(TOTAL * MAX_REFUSED_SHARE);
    for (const member of members)
      expect(
        member.errors.filter((e) => (e as { code?: string }).code !== "internal"),
        member.name,
      ).toEqual([]);
  });

  it("nothing else escaped a handler, and the only delivery problems were post timeouts", async () => {
    await runScenario();
    const { escaped, deliveryWarnings } = env.failures();
    expect(
      escaped.filter((line) => !line.includes("SendContendedError")).map((line) => line.slice(0, 500)),
    ).toEqual([]);
    const unexpected = deliveryWarnings.filter(
      (w) => !(w.event === "send_failed" && /timed out/.test(w.reason ?? "")),
    );
    expect(unexpected.map((w) => w.line.slice(0, 500))).toEqual([]);
  });
});
