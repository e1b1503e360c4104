import { Connection } from "@rooms/core/connection";
import { createDb } from "@rooms/core/db";
import { MAX_MENTIONS, SYNC_AFTER_PAGE, SYNC_NEWEST_PAGE, TYPING_INTERVAL_MS } from "@rooms/core/limits";
import { MAX_SERVER_FRAME_BYTES, type SnapshotFrame } from "@rooms/core/protocol";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpClient, httpClient } from "../../../../test/support/http-client";
import { once } from "../../../../test/support/once";
import { tableSnapshot } from "../../../../test/support/table-snapshot";
import { eventually, sleep } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  joinRoom,
  type Message,
  type Room,
  type RoomClient,
  type Session,
  signIn,
  startE2eStack,
  type Todo,
} from "../support/e2e-stack";

/**
 * Contract v2 "Ordered, resumable rooms and attention", end to end through the local API Gateway with real
 * WebSocket clients: `seq` without gaps under concurrent senders, `sync {afterSeq}` with `hasMore` paging,
 * `pong.lastSeq`, snapshots over 128 KB in parts, `markRead` and `read`, unread counts in `GET /me/rooms`,
 * `typing`, `mentions`, and the refusals of each new frame (with nothing written).
 */
let stack: LocalStack;
let dynamo: ReturnType<typeof localDynamoClient>;
let owner: Session;
let api: HttpClient;
const opened: RoomClient[] = [];
/** When each `typing` invocation ended (the typing test waits for its frames to be handled, not for a while). */
const typingHandled: number[] = [];

beforeAll(async () => {
  stack = await startE2eStack({
    // A DynamoDB Local of its own: the seq race below is 20 senders on one room's counter, and on the run's shared
    // one (every other e2e file's tables, streams and traffic) each transaction took ~600 ms in a full run, so 40%
    // of the sends ran out of their 12 s budget. Here the bound measures the send path, not the neighbours.
    dynamodb: {},
    onInvocation: ({ routeKey }) => void (routeKey === "typing" && typingHandled.push(Date.now())),
  });
  dynamo = localDynamoClient(stack.dynamodbEndpoint);
  owner = await signIn(stack, "Owner");
  api = httpClient(stack.httpUrl, owner);
});
afterAll(async () => {
  await Promise.all(opened.map((client) => client.close().catch(() => {})));
  await stack?.stop();
  dynamo?.destroy();
});

type MessageFrame = { type: "message"; message: Message };

const messageWith = (id: string) => (frame: any) =>
  frame.type === "message" && frame.message.clientMessageId === id;
const seqs = (messages: Message[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const table = () => tableSnapshot(dynamo, stack.tableName);

/** A socket to `roomId` as `who` (a name: a new guest; a session: that user), closed after the run. */
async function join(roomId: string, who: string | Session) {
  const client = await joinRoom(stack, roomId, who);
  opened.push(client);
  return client;
}

/** Sends one message and resolves with the stored message once it came back to the sender. */
async function send(client: RoomClient, text: string, extra: Record<string, unknown> = {}): Promise<Message> {
  const id = clientId("m");
  client.send({ action: "sendMessage", text, clientMessageId: id, ...extra });
  return (await client.next<MessageFrame>(messageWith(id), 15_000)).message;
}

/** Byte sizes of the snapshot frames a socket received, as they came over the wire. */
function snapshotSizes(client: RoomClient): number[] {
  const sizes: number[] = [];
  client.socket.on("message", (data: Buffer) => {
    if (JSON.parse(data.toString()).type === "snapshot") sizes.push(data.length);
  });
  return sizes;
}

/** Sends `sync` and resolves with every `snapshot` frame of the answer: one, or parts 1..n up to `last`. */
async function sync(client: RoomClient, frame: Record<string, unknown> = {}): Promise<SnapshotFrame[]> {
  client.send({ action: "sync", ...frame });
  const frames: SnapshotFrame[] = [];
  for (;;) {
    const next = await client.nextOfType<SnapshotFrame>("snapshot", undefined, 15_000);
    frames.push(next);
    if (next.part === undefined || next.last) return frames;
  }
}

/** The one snapshot frame a small sync answers with. */
async function syncOne(client: RoomClient, frame: Record<string, unknown> = {}): Promise<SnapshotFrame> {
  const frames = await sync(client, frame);
  expect(frames).toHaveLength(1);
  expect(frames[0]!.part).toBeUndefined();
  return frames[0]!;
}

/** Every message of a room over HTTP, oldest first, following `cursor` (a seq) back to the first page. */
async function storedHistory(roomId: string, as = api): Promise<Message[]> {
  const pages: Message[][] = [];
  let before: number | null | undefined;
  do {
    const reply = await as.get(`/rooms/${roomId}/messages?limit=100${before ? `&before=${before}` : ""}`);
    expect(reply.status).toBe(200);
    pages.unshift(reply.json.messages);
    before = reply.json.cursor;
  } while (before);
  return pages.flat();
}

async function myRooms(session: Session) {
  const reply = await httpClient(stack.httpUrl, session).get(`/me/rooms?limit=100`);
  expect(reply.status).toBe(200);
  return reply.json.rooms as (Room & { role: string; unread: number; unreadMentions: number })[];
}

async function myRoom(session: Session, roomId: string) {
  const found = (await myRooms(session)).find((room) => room.roomId === roomId);
  if (!found) throw new Error(`${session.user.name} is not a member of ${roomId}`);
  return found;
}

// A correctness check, not a timed one: with other test files on the same two cores the race can take longer than
// the project's 30 s default, so its tests get 120 s.
describe("seq under 20 concurrent senders in one room", { timeout: 120_000 }, () => {
  const SENDERS = 20;
  const PER_SENDER = 6;
  const TOTAL = SENDERS * PER_SENDER;
  let room: Room;
  let watcher: RoomClient;
  let senders: RoomClient[];
  const sent = new Map<RoomClient, Message[]>();

  beforeAll(async () => {
    room = await api.createRoom("Seq race");
    watcher = await join(room.roomId, "Watcher");
    // One after the other: simultaneous joins are join-race.test.ts's subject.
    senders = [];
    for (let s = 0; s < SENDERS; s++) senders.push(await join(room.roomId, `Sender ${s}`));
  });

  /** Refusals met on the way (the contract's answer to a stored message is the message, never an error). */
  const refused: { sender: string; error: unknown }[] = [];

  /**
   * Sends one message and waits for its echo; an error frame for it (echoing its clientMessageId) is recorded
   * and the same clientMessageId resent, as a client would: idempotency makes that safe.
   */
  async function sendPersistently(sender: RoomClient, text: string): Promise<Message> {
    const id = clientId("race");
    for (let attempt = 0; attempt < 5; attempt++) {
      sender.send({ action: "sendMessage", text, clientMessageId: id });
      const answer = await sender.next<any>(
        (f: any) =>
          (f.type === "message" || f.type === "error") &&
          (f.message?.clientMessageId ?? f.clientMessageId) === id,
        // Past the handler's own 15 s timeout: every frame gets its answer (the echo or an error) within that.
        30_000,
      );
      if (answer.type === "message") return answer.message;
      refused.push({ sender: sender.label, error: answer });
      await sleep(100);
    }
    throw new Error(`${sender.label}: ${text} refused 5 times`);
  }

  /** The race itself, run once: every test below awaits it, so each passes when run alone. */
  const race = once(() =>
    Promise.all(
      senders.map(async (sender, s) => {
        const mine: Message[] = [];
        for (let n = 0; n < PER_SENDER; n++) mine.push(await sendPersistently(sender, `s${s} n${n}`));
        sent.set(sender, mine);
      }),
    ),
  );

  it(`${SENDERS} senders x ${PER_SENDER} (each waiting for its own echo) get seq 1..${TOTAL}: no gap, no repeat, each sender's in its order`, async () => {
    await race();
    const echoed = [...sent.values()].flat();
    expect([...seqs(echoed)].sort((a, b) => a - b)).toEqual(range(1, TOTAL));
    for (const [sender, mine] of sent) {
      expect(mine.map((m) => m.text)).toEqual(
        range(0, PER_SENDER - 1).map((n) => `s${senders.indexOf(sender)} n${n}`),
      );
      // Sent one at a time, so stored one after the other.
      const order = seqs(mine);
      expect(order, sender.label).toEqual([...order].sort((a, b) => a - b));
      for (const message of mine)
        expect(message).toMatchObject({
          roomId: room.roomId,
          authorId: sender.session.user.userId,
          mentions: [],
        });
    }

    const stored = await storedHistory(room.roomId);
    expect(seqs(stored)).toEqual(range(1, TOTAL));
    expect(stored).toEqual([...echoed].sort((a, b) => a.seq - b.seq));
    expect((await api.get(`/rooms/${room.roomId}`)).json.room).toMatchObject({
      lastSeq: TOTAL,
      lastMessageAt: stored.at(-1)!.sentAt,
    });

    // Every member got every message exactly once, the very one stored.
    const everyone = [watcher, ...senders];
    await eventually(
      () => everyone.every((client) => client.all((f: any) => f.type === "message").length >= TOTAL),
      { timeoutMs: 20_000 },
    );
    await sleep(200);
    for (const client of everyone) {
      const got = client.all<MessageFrame>((f: any) => f.type === "message").map((f) => f.message);
      expect(got.length, client.label).toBe(TOTAL);
      expect(
        [...got].sort((a, b) => a.seq - b.seq),
        client.label,
      ).toEqual(stored);
    }
  });

  // The only refusal the contract allows here is the retryable `internal` of a sender that lost the race for the
  // next seq for its whole send budget (the client resends the same clientMessageId; nothing was stored). On
  // this 2-core machine, with other test files running beside this one, DynamoDB Local's transactions on the
  // room item slow down enough for that to happen now and then; it must stay rare.
  it("a refused send is only the retryable `internal` of a lost seq race", async () => {
    await race();
    expect(
      refused.map(({ error }) => (error as { code?: string }).code).filter((code) => code !== "internal"),
    ).toEqual([]);
    // Alone this file sees none (0 of 120). Beside the other e2e and browser files on two cores, each attempt
    // slows enough that some senders run out of their 12 s budget: full runs have seen 13% to 24% (each resent
    // and stored once, as the test above proves). A livelock or a retry that starves old sends would refuse most
    // of them. The reliability suite, run alone, holds the tight bound (3%).
    console.log(`seq race: ${refused.length} of ${TOTAL} sends refused with the retryable internal`);
    expect(refused.length).toBeLessThanOrEqual(TOTAL * 0.3);
  });

  it(`sync {afterSeq} returns exactly the missing range, oldest first, ${SYNC_AFTER_PAGE} at a time with hasMore`, async () => {
    await race();
    expect(TOTAL).toBeGreaterThan(SYNC_AFTER_PAGE + 10);
    const stored = await storedHistory(room.roomId);
    const from = 7;
    const first = await syncOne(watcher, { afterSeq: from });
    expect(seqs(first.messages)).toEqual(range(from + 1, from + SYNC_AFTER_PAGE));
    expect(first.messages).toEqual(stored.slice(from, from + SYNC_AFTER_PAGE));
    expect(first.hasMore).toBe(true);
    expect(first.room).toMatchObject({ roomId: room.roomId, lastSeq: TOTAL });

    const second = await syncOne(watcher, { afterSeq: first.messages.at(-1)!.seq });
    expect(seqs(second.messages)).toEqual(range(from + SYNC_AFTER_PAGE + 1, TOTAL));
    expect(second.messages).toEqual(stored.slice(from + SYNC_AFTER_PAGE));
    expect(second.hasMore).toBe(false);

    const upToDate = await syncOne(watcher, { afterSeq: TOTAL });
    expect(upToDate.messages).toEqual([]);
    expect(upToDate.hasMore).toBe(false);

    const fromStart = await syncOne(watcher, { afterSeq: 0 });
    expect(seqs(fromStart.messages)).toEqual(range(1, SYNC_AFTER_PAGE));
    expect(fromStart.hasMore).toBe(true);

    // Without afterSeq: the newest page, oldest first; hasMore says older ones exist.
    const newest = await syncOne(watcher);
    expect(seqs(newest.messages)).toEqual(range(TOTAL - SYNC_NEWEST_PAGE + 1, TOTAL));
    expect(newest.hasMore).toBe(true);
    expect(newest.memberCount).toBe(SENDERS + 1);
    expect(newest.members).toHaveLength(SENDERS + 1);
  });

  it("pong carries the room's lastSeq", async () => {
    await race();
    watcher.send({ action: "ping" });
    expect(await watcher.nextOfType("pong")).toEqual({ type: "pong", lastSeq: TOTAL });
    const quiet = await api.createRoom("Quiet");
    const idle = await join(quiet.roomId, "Idle");
    idle.send({ action: "ping" });
    expect(await idle.nextOfType("pong")).toEqual({ type: "pong", lastSeq: 0 });
    const talker = await join(quiet.roomId, "Talker");
    await send(talker, "one");
    idle.send({ action: "ping" });
    expect(await idle.nextOfType("pong")).toEqual({ type: "pong", lastSeq: 1 });
  });
});

describe("a snapshot over 128 KB", () => {
  const MESSAGES = 40;
  const TODOS = 60;
  let room: Room;
  let poster: RoomClient;
  let reader: RoomClient;
  let sizes: number[];

  beforeAll(async () => {
    room = await api.createRoom("Heavy room");
    poster = await join(room.roomId, "Poster");
    reader = await join(room.roomId, "Reader");
    sizes = snapshotSizes(reader);
    // 4,000 two-byte characters: about 8 KB per message; 40 of them and 60 long todos are far over 128 KB.
    for (let i = 0; i < MESSAGES; i++)
      await send(poster, `${String(i).padStart(4, "0")} ${"é".repeat(3995)}`);
    for (let i = 0; i < TODOS; i++) {
      poster.send({
        action: "addTodo",
        title: `${String(i).padStart(3, "0")} ${"t".repeat(196)}`,
        clientTodoId: `todo-${i}`,
      });
      await poster.nextOfType("todo", (f: any) => f.todo.title.startsWith(String(i).padStart(3, "0")));
    }
  });

  for (const [what, frame] of [
    ["sync {afterSeq: 0}", { afterSeq: 0 }],
    ["sync {} (the newest page)", {}],
  ] as const) {
    it(`${what} arrives in parts 1..n (each <= 128 KB, \`last\` on the final one) whose union is everything`, async () => {
      const { todos } = (await api.get(`/rooms/${room.roomId}`)).json as { todos: Todo[] };
      expect(todos).toHaveLength(TODOS);
      const stored = await storedHistory(room.roomId);
      expect(stored).toHaveLength(MESSAGES);
      const whole = Buffer.byteLength(JSON.stringify({ todos, messages: stored }));
      expect(whole).toBeGreaterThan(2 * MAX_SERVER_FRAME_BYTES);

      const sizesBefore = sizes.length;
      const parts = await sync(reader, frame);
      const partSizes = sizes.slice(sizesBefore);
      expect(partSizes).toHaveLength(parts.length);
      expect(parts.length).toBeGreaterThanOrEqual(3);
      for (const size of partSizes) expect(size).toBeLessThanOrEqual(MAX_SERVER_FRAME_BYTES);
      expect(parts.map((p) => p.part)).toEqual(range(1, parts.length));
      expect(parts.map((p) => p.last)).toEqual([...parts.slice(1).map(() => false), true]);
      for (const part of parts) {
        expect(part.room).toMatchObject({ roomId: room.roomId, lastSeq: MESSAGES });
        expect(part.memberCount).toBe(2);
        expect(part.hasMore).toBe(false);
        expect(part.readSeq).toBe(parts[0]!.readSeq);
      }
      expect(parts.flatMap((p) => p.todos)).toEqual(todos);
      expect(parts.flatMap((p) => p.messages)).toEqual(stored);
      expect(parts.flatMap((p) => p.members.map((m) => m.name)).sort()).toEqual(["Poster", "Reader"]);
      // Nothing else reached the reader as an answer (an error, say).
      expect(reader.all((f: any) => f.type === "error")).toEqual([]);
    });
  }
});

describe("markRead and read receipts", () => {
  it("only moves forward; `read` goes to the other members, not the reader", async () => {
    const room = await api.createRoom("Receipts");
    const aliceUser = await signIn(stack, "Alice");
    const alice = await join(room.roomId, aliceUser);
    const bob = await join(room.roomId, "Bob");
    const carol = await join(room.roomId, "Carol");
    for (const text of ["one", "two", "three"]) await send(bob, text);
    expect((await myRoom(aliceUser, room.roomId)).unread).toBe(3);

    alice.send({ action: "markRead", seq: 2 });
    const read = { type: "read", userId: aliceUser.user.userId, seq: 2 };
    expect(await bob.nextOfType("read")).toEqual(read);
    expect(await carol.nextOfType("read")).toEqual(read);
    expect((await myRoom(aliceUser, room.roomId)).unread).toBe(1);

    // Backwards and in place: nothing moves, nobody hears of it, nothing is written.
    const before = await table();
    for (const seq of [1, 2]) alice.send({ action: "markRead", seq });
    await sleep(400);
    expect(await table()).toEqual(before);
    expect((await myRoom(aliceUser, room.roomId)).unread).toBe(1);
    expect((await syncOne(alice)).readSeq).toBe(2);

    alice.send({ action: "markRead", seq: 3 });
    expect(await bob.nextOfType("read")).toEqual({ ...read, seq: 3 });
    expect(await carol.nextOfType("read")).toEqual({ ...read, seq: 3 });
    expect((await myRoom(aliceUser, room.roomId)).unread).toBe(0);
    expect((await syncOne(alice)).readSeq).toBe(3);
    // Bob sees Alice's position among the others' (small room), and never his own there.
    const bobs = await syncOne(bob);
    expect(bobs.reads).toContainEqual({ userId: aliceUser.user.userId, seq: 3 });
    expect(bobs.reads.map((r) => r.userId)).not.toContain(bob.session.user.userId);

    await sleep(200);
    expect(alice.all((f: any) => f.type === "read")).toEqual([]);
    expect(bob.all((f: any) => f.type === "read")).toHaveLength(2);
    expect(carol.all((f: any) => f.type === "read")).toHaveLength(2);
    expect(alice.all((f: any) => f.type === "error")).toEqual([]);
  });
});

describe("GET /me/rooms: unread and unreadMentions", () => {
  it("counts others' messages above the read position and mentions of me; my own are never unread; a new member starts at 0", async () => {
    const host = await signIn(stack, "Host");
    const hostApi = httpClient(stack.httpUrl, host);
    const early = await hostApi.createRoom("Early room");
    const busy = await hostApi.createRoom("Busy room");
    const posterUser = await signIn(stack, "Poster");
    const poster = await join(busy.roomId, posterUser);

    // Before anything: rooms without messages, newest first, nothing unread.
    expect((await myRooms(host)).map((r) => [r.roomId, r.role, r.unread, r.unreadMentions])).toEqual([
      [busy.roomId, "owner", 0, 0],
      [early.roomId, "owner", 0, 0],
    ]);

    const m1 = await send(poster, "hello");
    const m2 = await send(poster, "@Host look", { mentions: [host.user.userId] });
    const m3 = await send(poster, "anyone?");
    expect(m2.mentions).toEqual([host.user.userId]);
    expect(seqs([m1, m2, m3])).toEqual([1, 2, 3]);
    expect(await myRoom(host, busy.roomId)).toMatchObject({
      unread: 3,
      unreadMentions: 1,
      lastSeq: 3,
      lastMessageAt: m3.sentAt,
      role: "owner",
    });
    // My own messages are never unread.
    expect(await myRoom(posterUser, busy.roomId)).toMatchObject({
      unread: 0,
      unreadMentions: 0,
      role: "member",
    });

    // A new member: history is not unread.
    const newcomerUser = await signIn(stack, "Newcomer");
    const newcomer = await join(busy.roomId, newcomerUser);
    expect(await myRoom(newcomerUser, busy.roomId)).toMatchObject({
      unread: 0,
      unreadMentions: 0,
      lastSeq: 3,
      role: "member",
    });
    expect((await syncOne(newcomer)).readSeq).toBe(3);

    const welcome = await send(poster, "@Newcomer @Host welcome", {
      mentions: [newcomerUser.user.userId, host.user.userId],
    });
    await send(poster, "more");
    expect(await myRoom(newcomerUser, busy.roomId)).toMatchObject({ unread: 2, unreadMentions: 1 });
    expect(await myRoom(host, busy.roomId)).toMatchObject({ unread: 5, unreadMentions: 2 });

    // The host reads up to 3: one mention passed, one is still above the position.
    const hostSocket = await join(busy.roomId, host);
    hostSocket.send({ action: "markRead", seq: 3 });
    await poster.nextOfType("read", (f: any) => f.userId === host.user.userId);
    expect(await myRoom(host, busy.roomId)).toMatchObject({ unread: 2, unreadMentions: 1 });
    // Sending moves the sender's own position to its message.
    await send(hostSocket, "caught up");
    expect(await myRoom(host, busy.roomId)).toMatchObject({ unread: 0, unreadMentions: 0, lastSeq: 6 });
    expect(await myRoom(newcomerUser, busy.roomId)).toMatchObject({ unread: 3, unreadMentions: 1 });
    // Deleting the message that mentioned them takes the mention away; its tombstone keeps its place (its seq).
    poster.send({ action: "deleteMessage", messageId: welcome.messageId });
    await poster.nextOfType("messageDeleted", (f: any) => f.messageId === welcome.messageId);
    expect(await myRoom(newcomerUser, busy.roomId)).toMatchObject({ unread: 3, unreadMentions: 0 });

    // Most recent activity first: a message in the early room moves it to the top.
    const earlySocket = await join(early.roomId, posterUser);
    const latest = await send(earlySocket, "the early room wakes up");
    const listed = await myRooms(host);
    expect(listed.map((r) => r.roomId)).toEqual([early.roomId, busy.roomId]);
    expect(listed[0]).toMatchObject({
      unread: 1,
      unreadMentions: 0,
      lastSeq: 1,
      lastMessageAt: latest.sentAt,
    });
    expect((await myRooms(posterUser)).map((r) => [r.roomId, r.unread])).toEqual([
      [early.roomId, 0],
      [busy.roomId, 1],
    ]);
  });
});

describe("typing", () => {
  it(`a flood of 10 is forwarded once per ${TYPING_INTERVAL_MS / 1000} s, to the others only, and stores nothing`, async () => {
    const room = await api.createRoom("Typing");
    const typer = await join(room.roomId, "Typer");
    const one = await join(room.roomId, "One");
    const two = await join(room.roomId, "Two");
    const typerMember = (await syncOne(one)).members.find((m) => m.name === "Typer")!;
    // The typer's connection remembers when it last typed (its throttle); nothing else may change.
    const before = await tableSnapshot(dynamo, stack.tableName, { omit: ["typingAt"] });

    const handledBefore = typingHandled.length;
    for (let i = 0; i < 10; i++) typer.send({ action: "typing" });
    for (const other of [one, two])
      expect(await other.nextOfType("typing")).toEqual({ type: "typing", member: typerMember });
    // The window is the server's: it opened when the forwarded frame took the slot (the connection's typingAt).
    const db = createDb({ client: dynamo, table: stack.tableName });
    const { connectionId } = (await Connection.listByRoom(db, { roomId: room.roomId })).find(
      (c) => c.memberId === typerMember.memberId,
    )!;
    const record = await Connection.get(db, { connectionId });
    const windowEnds = record!.typingAt! + TYPING_INTERVAL_MS;
    // All ten handled inside it (on a busy machine that can take a while; a frame handled past it would rightly
    // go out again), then a moment for a second forward to reach the others.
    await eventually(() => typingHandled.length - handledBefore >= 10, { timeoutMs: 15_000 });
    expect(typingHandled.at(-1)!).toBeLessThan(windowEnds);
    await sleep(300);
    for (const other of [one, two]) expect(other.all((f: any) => f.type === "typing")).toHaveLength(1);
    expect(typer.all((f: any) => f.type === "typing")).toEqual([]);
    expect(typer.all((f: any) => f.type === "error")).toEqual([]);
    expect(await tableSnapshot(dynamo, stack.tableName, { omit: ["typingAt"] })).toEqual(before);
    expect(await storedHistory(room.roomId)).toEqual([]);

    // Once the window has passed, the next one goes out again.
    await sleep(Math.max(0, windowEnds + 200 - Date.now()));
    typer.send({ action: "typing" });
    for (const other of [one, two]) await other.nextOfType("typing");
    await sleep(300);
    for (const other of [one, two]) expect(other.all((f: any) => f.type === "typing")).toHaveLength(2);
    expect(typer.all((f: any) => f.type === "typing")).toEqual([]);
  });
});

describe("bad input to the new frames: the contract error to the sender alone, nothing written", () => {
  let room: Room;
  let sender: RoomClient;
  let watcher: RoomClient;
  let outsider: Session;
  const LAST = 2;

  beforeAll(async () => {
    room = await api.createRoom("Strict v2");
    sender = await join(room.roomId, "Strict sender");
    watcher = await join(room.roomId, "Strict watcher");
    for (let i = 0; i < LAST; i++) await send(sender, `seed ${i}`);
    outsider = await signIn(stack, "Outsider");
    // A member of another room only.
    await join((await api.createRoom("Elsewhere")).roomId, outsider);
  });

  const fakeUsers = (n: number) => Array.from({ length: n }, (_, i) => `user-${i}`);
  const cases: [string, () => Record<string, unknown>][] = [
    ["sync {afterSeq: -1}", () => ({ action: "sync", afterSeq: -1 })],
    ["sync {afterSeq: 1.5}", () => ({ action: "sync", afterSeq: 1.5 })],
    ["sync {afterSeq: '1'}", () => ({ action: "sync", afterSeq: "1" })],
    ["sync {afterSeq} ahead of the room", () => ({ action: "sync", afterSeq: LAST + 1 })],
    ["markRead {seq: 0}", () => ({ action: "markRead", seq: 0 })],
    ["markRead {seq: -1}", () => ({ action: "markRead", seq: -1 })],
    ["markRead {seq: 1.5}", () => ({ action: "markRead", seq: 1.5 })],
    ["markRead {seq: null}", () => ({ action: "markRead", seq: null })],
    ["markRead {seq} ahead of the room", () => ({ action: "markRead", seq: LAST + 1 })],
    [
      "sendMessage mentioning a non-member",
      () => ({
        action: "sendMessage",
        text: "hi",
        clientMessageId: "strict-1",
        mentions: [outsider.user.userId],
      }),
    ],
    [
      "sendMessage mentioning a member and a non-member",
      () => ({
        action: "sendMessage",
        text: "hi",
        clientMessageId: "strict-1",
        mentions: [watcher.session.user.userId, outsider.user.userId],
      }),
    ],
    [
      `sendMessage mentioning ${MAX_MENTIONS + 1} users`,
      () => ({
        action: "sendMessage",
        text: "hi",
        clientMessageId: "strict-1",
        mentions: fakeUsers(MAX_MENTIONS + 1),
      }),
    ],
    [
      "sendMessage with mentions not an array",
      () => ({
        action: "sendMessage",
        text: "hi",
        clientMessageId: "strict-1",
        mentions: watcher.session.user.userId,
      }),
    ],
    [
      "sendMessage with a mention not a user id",
      () => ({ action: "sendMessage", text: "hi", clientMessageId: "strict-1", mentions: [42] }),
    ],
    [
      "sendMessage with blank text",
      () => ({ action: "sendMessage", text: " ", clientMessageId: "strict-1" }),
    ],
    ["addTodo with an empty title", () => ({ action: "addTodo", title: "", clientTodoId: "strict-todo" })],
  ];

  for (const [what, frame] of cases) {
    it(`${what}: bad_request`, async () => {
      const sent = frame();
      const before = await table();
      sender.send(sent);
      const error = await sender.nextOfType<any>("error");
      expect(error).toMatchObject({
        type: "error",
        code: "bad_request",
        action: sent.action,
        message: expect.any(String),
      });
      // The echo: the frame's clientMessageId / clientTodoId, and no other key than the contract's.
      if (sent.clientMessageId) expect(error.clientMessageId).toBe(sent.clientMessageId);
      if (sent.clientTodoId) expect(error.clientTodoId).toBe(sent.clientTodoId);
      for (const key of Object.keys(error))
        expect(["type", "code", "message", "action", "issues", "clientMessageId", "clientTodoId"]).toContain(
          key,
        );
      await sleep(100);
      expect(await table()).toEqual(before);
      expect(sender.all((f: any) => f.type === "snapshot" || f.type === "todo")).toEqual([]);
      expect(sender.all((f: any) => f.type === "message")).toHaveLength(LAST);
    });
  }

  it("the watcher saw none of those errors, and no message or read they would have caused", async () => {
    await sleep(200);
    expect(watcher.all((f: any) => f.type === "error" || f.type === "read" || f.type === "todo")).toEqual([]);
    expect(watcher.all((f: any) => f.type === "message")).toHaveLength(LAST);
    expect((await myRoom(sender.session, room.roomId)).unread).toBe(0);
    expect(seqs(await storedHistory(room.roomId))).toEqual(range(1, LAST));
  });

  it("a refused send claimed nothing: the same clientMessageId, now valid, is stored with the next seq and its mentions", async () => {
    const id = "strict-1";
    sender.send({
      action: "sendMessage",
      text: "hi",
      clientMessageId: id,
      mentions: [watcher.session.user.userId],
    });
    const stored = (await sender.next<MessageFrame>(messageWith(id))).message;
    expect(stored).toMatchObject({ seq: LAST + 1, text: "hi", mentions: [watcher.session.user.userId] });
    expect((await watcher.next<MessageFrame>(messageWith(id))).message).toEqual(stored);
    expect(await myRoom(watcher.session, room.roomId)).toMatchObject({ unread: LAST + 1, unreadMentions: 1 });
  });
});
