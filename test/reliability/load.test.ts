import type { Message } from "@rooms/core/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectLive, everyoneReceived, type LiveClient } from "../support/live-client";
import { once } from "../support/once";
import { eventually } from "../support/wait";
import { type ReliabilityStack, startReliabilityStack } from "./support/reliability-stack";

/**
 * Load: 300 clients (300 guest users, each with a session and a ticket) in 10 rooms; in every room 5 senders send 40 messages each, all senders of all rooms at once.
 * Every client must receive every message of its room exactly once and nothing from any other room, and see each
 * sender's messages in the order they were sent. A sender sends its next message once its previous one came back
 * to it, as a chat client does. "Seeing in order" is by `seq`, the order the server stored them (1..200 per room, no
 * gap) and the order clients display: arrival order across concurrent invocations is not promised by API Gateway or
 * by the contract, so it is counted and printed, not asserted.
 */
const ROOMS = 10;
const CLIENTS_PER_ROOM = 30;
const SENDERS_PER_ROOM = 5;
const MESSAGES_PER_SENDER = 40;
const MESSAGES_PER_ROOM = SENDERS_PER_ROOM * MESSAGES_PER_SENDER;
/**
 * At most this many message deliveries (one frame to one member) outstanding at once, across all rooms. The local
 * stack runs every concurrent "Lambda" in this one process, sharing one @connections client (256 sockets). Past
 * ~250 posts in flight it opens a burst of new sockets, and on this VM some of those connects take 1-3 s (SYN
 * retransmits): the post times out at 3 s, is counted failed and logged, yet the frame still arrives, late and
 * out of order. An unthrottled run measures that, not the system; the report describes it. At 150 none happened,
 * and the run takes as long (it is bound by how fast one process posts).
 */
const OUTSTANDING_DELIVERIES = 150;

let env: ReliabilityStack;
const rooms: { roomId: string; clients: LiveClient[] }[] = [];

beforeAll(async () => {
  env = await startReliabilityStack();
  for (let r = 0; r < ROOMS; r++)
    rooms.push({ roomId: (await env.http.createRoom(`load ${r}`)).roomId, clients: [] });
  // Rooms join in parallel; within a room one member at a time, so who hears which memberJoined is exact (a
  // member still in its own $connect cannot be posted to). Simultaneous joins are covered by
  // packages/local/test/e2e/join-race.test.ts.
  await Promise.all(
    rooms.map(async (room, r) => {
      for (let c = 0; c < CLIENTS_PER_ROOM; c++)
        room.clients.push(await connectLive(env.stack, { roomId: room.roomId, who: `r${r}-c${c}` }));
    }),
  );
});

afterAll(async () => {
  await Promise.all(rooms.flatMap((room) => room.clients.map((client) => client.close().catch(() => {}))));
  await env?.stop();
});

const idOf = (r: number, s: number, n: number) => `r${r}-s${s}-${n}`;
const messagesOf = (client: LiveClient) => client.ofType("message").map((frame) => frame.message);

/** Every sender of every room sends its messages, until every member holds its room's 200. */
const runLoad = once(async () => {
  const started = Date.now();
  const everyone = rooms.flatMap((room) => room.clients);
  let sent = 0;
  let delivered = 0;
  for (const client of everyone) client.onFrame = (frame) => void (frame.type === "message" && delivered++);
  // Check and reserve in one synchronous step: with an await between them, all 50 senders would pass at once.
  const reserveDeliveries = async () => {
    const deadline = Date.now() + 60_000;
    while (sent * CLIENTS_PER_ROOM - delivered >= OUTSTANDING_DELIVERIES) {
      if (Date.now() > deadline)
        throw new Error(`${sent * CLIENTS_PER_ROOM - delivered} deliveries still outstanding after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    sent++;
  };
  await Promise.all(
    rooms.flatMap(({ clients }, r) =>
      clients.slice(0, SENDERS_PER_ROOM).map(async (sender, s) => {
        for (let n = 0; n < MESSAGES_PER_SENDER; n++) {
          const clientMessageId = idOf(r, s, n);
          await reserveDeliveries();
          await sender.sendMessageAndWait({
            text: `message ${n} from ${sender.name}`,
            clientMessageId,
            timeoutMs: 60_000,
          });
        }
      }),
    ),
  );
  await everyoneReceived(everyone, "message", MESSAGES_PER_ROOM, 120_000);
  // Anything duplicated would arrive right behind the rest.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const elapsedMs = Date.now() - started;
  return { elapsedMs };
});

describe("300 clients in 10 rooms, 200 messages per room from 5 senders at once", () => {
  it("every member heard every later join exactly once", async () => {
    for (const { clients } of rooms) {
      await eventually(
        () => clients.every((client, i) => client.count("memberJoined") >= CLIENTS_PER_ROOM - 1 - i),
        {
          timeoutMs: 30_000,
          describe: () => clients.map((c) => `${c.name}:${c.count("memberJoined")}`).join(" "),
        },
      );
      clients.forEach((client, i) => {
        const joined = client.ofType("memberJoined").map(({ member }) => `${member.userId} ${member.name}`);
        expect(joined).toEqual(
          clients.slice(i + 1).map((later) => `${later.session.user.userId} ${later.name}`),
        );
      });
    }
  });

  it("delivers every message of a room exactly once to each member, in each sender's order, and nothing else", async () => {
    const { elapsedMs } = await runLoad();
    let arrivalInversions = 0;

    rooms.forEach(({ roomId, clients }, r) => {
      const expectedIds = Array.from({ length: SENDERS_PER_ROOM }, (_, s) =>
        Array.from({ length: MESSAGES_PER_SENDER }, (_, n) => idOf(r, s, n)),
      ).flat();
      for (const client of clients) {
        const messages = messagesOf(client);
        expect(messages, client.name).toHaveLength(MESSAGES_PER_ROOM);
        expect(new Set(messages.map((m) => m.clientMessageId)).size, `${client.name} got a duplicate`).toBe(
          MESSAGES_PER_ROOM,
        );
        expect(messages.map((m) => m.clientMessageId).sort(), client.name).toEqual([...expectedIds].sort());
        expect(
          messages.every((m) => m.roomId === roomId),
          `${client.name} got another room's message`,
        ).toBe(true);
        // Each message is its sender's: authorId is the sending socket's user, author its name.
        const misattributed = messages.filter((m) => {
          const sender = clients[Number(m.clientMessageId.split("-")[1]!.slice(1))]!;
          return m.authorId !== sender.session.user.userId || m.author !== sender.name;
        });
        expect(misattributed, `${client.name}: messages not attributed to their sender`).toEqual([]);
        // A client shows messages in seq order (the order the server stored them): 1..200 without a gap, and
        // there each sender's messages must read in the order they were sent.
        const shown = [...messages].sort((a, b) => a.seq - b.seq);
        expect(
          shown.map((m) => m.seq),
          `${client.name}: seqs`,
        ).toEqual(Array.from({ length: MESSAGES_PER_ROOM }, (_, i) => i + 1));
        for (let s = 0; s < SENDERS_PER_ROOM; s++) {
          const order = shown
            .filter((m) => m.clientMessageId.startsWith(`r${r}-s${s}-`))
            .map((m) => Number(m.clientMessageId.split("-")[2]));
          expect(order, `${client.name}: order of sender ${s}`).toEqual(
            Array.from({ length: MESSAGES_PER_SENDER }, (_, n) => n),
          );
          // Arrival order is not promised (concurrent invocations post independently); counted for the report.
          const arrived = messages
            .filter((m) => m.clientMessageId.startsWith(`r${r}-s${s}-`))
            .map((m) => Number(m.clientMessageId.split("-")[2]));
          arrivalInversions += arrived.filter((n, i) => i > 0 && n < arrived[i - 1]!).length;
        }
        // Every member saw the same messages: one stored copy per message.
        expect(shown, client.name).toEqual([...messagesOf(clients[0]!)].sort((a, b) => a.seq - b.seq));
      }
    });
    const { deliveryWarnings } = env.failures();
    console.info(
      `load: ${ROOMS * CLIENTS_PER_ROOM * MESSAGES_PER_ROOM} deliveries in ${elapsedMs} ms; ${arrivalInversions} arrived after a later message of the same sender; ${deliveryWarnings.length} posts reported failed (${[...new Set(deliveryWarnings.map((w) => w.reason))].join(", ") || "none"})`,
    );
  });

  it("stored each room's 200 messages once, and history pages return exactly them", async () => {
    await runLoad();
    for (const { roomId, clients } of rooms) {
      const newest = await env.http.call("GET", `/rooms/${roomId}/messages?limit=100`);
      expect(newest.status).toBe(200);
      expect(newest.json.cursor).toBe(MESSAGES_PER_ROOM - 99);
      const older = await env.http.call(
        "GET",
        `/rooms/${roomId}/messages?limit=100&before=${newest.json.cursor}`,
      );
      expect(older.status).toBe(200);
      expect(older.json.cursor).toBeNull();
      const history: Message[] = [...older.json.messages, ...newest.json.messages];
      const delivered = messagesOf(clients[0]!);
      expect(history.map((m) => m.seq)).toEqual(Array.from({ length: MESSAGES_PER_ROOM }, (_, i) => i + 1));
      expect(history).toEqual([...delivered].sort((a, b) => a.seq - b.seq));
      expect(new Set(history.map((m) => m.clientMessageId)).size).toBe(MESSAGES_PER_ROOM);
    }
  });

  it("no error frame reached any client and no error escaped or was logged by a handler", async () => {
    await runLoad();
    // Only the frames this test caused may be there: joins and messages (an error, a raw or gateway frame is not).
    const unexpected = rooms.flatMap(({ clients }) =>
      clients.flatMap((c) => c.frames.filter((f) => f.type !== "message" && f.type !== "memberJoined")),
    );
    expect(unexpected).toEqual([]);
    expect(env.failures().escaped).toEqual([]);
  });
});
