/**
 * Latency of one chat message to a whole room through the local stack: one sender, rooms of 10, 100 and 1,000
 * live `ws` clients, time from the send to the LAST client (sender included) receiving the message. Beside it,
 * in the same run and interleaved message by message, three floors (bench/support/bare-fanout-server.ts):
 * - the bare ws floor: the same fan-out by a bare `ws` server, nothing stored, no @connections;
 * - the serverless floor: that, plus one DynamoDB Local PutItem of the message (the stack's own DynamoDB Local
 *   and table) and one @connections round trip (a signed PostToConnection through the stack's gateway to one
 *   real connection, the probe) before the fan-out: what any durable serverless broadcast must pay here;
 * - the transactional floor: the serverless floor with ours' five-item TransactWriteItems instead of its PutItem:
 *   what a durable broadcast that is also ordered, idempotent, access-checked and rate-limited in one write pays.
 * The serverless floor is a real path, not a sum of separately measured parts: the floor server awaits the
 * PutItem, then the post, then writes to the sockets, per message, on the same cores and under the same load as
 * ours, so its percentiles are those of the whole path (the p95 of a sum is not the sum of p95s, and parts timed
 * apart would miss their queueing behind one another). The two steps are also timed inside it, per message, and
 * reported beside it. The probe is a connection of its own in a room of its own: the measured clients never see
 * its frames, and it must itself get every serverless- and transactional-floor message exactly once.
 * Every client must get every message exactly once, or the run fails.
 */
import { cpus, loadavg } from "node:os";
import { Connection } from "@rooms/core/connection";
import { createDb } from "@rooms/core/db";
import { DEFAULT_INLINE_LIMIT } from "@rooms/core/fanout";
import { Room } from "@rooms/core/room";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { createSession } from "../../test/support/room-session";
import { type DurableTimings, startBareFanoutServer } from "../support/bare-fanout";
import { sized } from "../support/quick";
import { type RoomClient, RoomClients } from "../support/room-clients";
import { seatMembers } from "../support/seat-members";
import { startStackInChild } from "../support/stack-in-child";
import { ms, percentile, ratio } from "../support/stats";
import type { BenchTable } from "../table";

const ROOM_SIZES = sized([10, 100, 1_000], [10, 50]);
/**
 * Unmeasured messages before each room's measured ones. The first (smallest) room gets many more: DynamoDB Local
 * is a JVM whose JIT compiles a path only after hundreds of calls (a TransactWriteItems of 5 items measured 24 ms
 * p50 over its first 40 calls, 16 ms over the next 50, and 4.5 ms hot, against 1.7 ms for a hot PutItem), and
 * DynamoDB itself has no such warm-up. All three sides take turns during it, so the floor's PutItem warms too.
 */
const FIRST_ROOM_WARMUP_MESSAGES = sized(400, 5);
const WARMUP_MESSAGES = sized(30, 5);
const MEASURED_MESSAGES = sized(50, 10);
const CONNECT_CONCURRENCY = 16;
const MESSAGE_TIMEOUT_MS = 60_000;
const TEXT =
  "The quick brown fox jumps over the lazy dog; a chat line of about a hundred characters, as people type.";

interface Side {
  clients: RoomClients;
  sender: RoomClient;
  samples: number[];
  ids: string[];
}

export async function run(): Promise<BenchTable[]> {
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  // skipDisconnect: closing a 1,000-member room politely would announce every leave; nothing measured here
  // closes a socket, and the checks fail the run if any memberLeft arrives.
  // DynamoDB Local (started by the stack) with its full JIT: the test default, C1 only, is tuned for start-up.
  const stack = await startStackInChild({ skipDisconnect: true }, { JAVA_TOOL_OPTIONS: "-XX:+UseSerialGC" });
  const dynamo = localDynamoClient(stack.dynamodbEndpoint);
  const db = createDb({ client: dynamo, table: stack.tableName });
  const rows: (string | number)[][] = [];
  const seatingNotes: string[] = [];
  let floor: Awaited<ReturnType<typeof startBareFanoutServer>> | undefined;
  const probeClients = new RoomClients(stack);
  const probeIds: string[] = [];

  try {
    const owner = await createSession(stack.httpUrl, "latency owner");
    // The serverless floor's post goes to this one real connection of the stack, alone in a room of its own.
    const probeRoom = await Room.create(db, {
      input: { name: "serverless floor probe", visibility: "private" },
      caller: owner.user,
    });
    probeClients.clients.push(await probeClients.connect(probeRoom.roomId, "probe", owner));
    const [probeRecord, ...others] = await Connection.listByRoom(db, { roomId: probeRoom.roomId });
    if (!probeRecord || others.length) throw new Error("expected the probe's one connection record");
    floor = await startBareFanoutServer({
      durable: {
        dynamodbEndpoint: stack.dynamodbEndpoint,
        tableName: stack.tableName,
        connectionsUrl: stack.connectionsUrl,
        probeConnectionId: probeRecord.connectionId,
      },
    });

    for (const size of ROOM_SIZES) {
      const room = await Room.create(db, { input: { name: `latency ${size}` }, caller: owner.user });
      const seatStarted = performance.now();
      const oursClients = new RoomClients(stack);
      // The sender joins for real (a ticket for this room, the authorizer, $connect), so its frames carry the
      // authorizer context naming this room as every member's do; the others only receive, so they are seated.
      const sender = await oursClients.connect(room.roomId, `m${size}-sender`);
      await seatMembers({
        db,
        clients: oursClients,
        roomId: room.roomId,
        count: size - 1,
        concurrency: CONNECT_CONCURRENCY,
        namePrefix: `m${size}-`,
      });
      oursClients.clients.unshift(sender);
      seatingNotes.push(`${size}: ${Math.round(performance.now() - seatStarted)} ms`);
      const bareClients = new RoomClients({ wsUrl: floor.wsUrl });
      const serverlessClients = new RoomClients({ wsUrl: floor.durableWsUrl });
      const transactionalClients = new RoomClients({ wsUrl: floor.transactionalWsUrl });
      for (const [clients, prefix] of [
        [bareClients, "f"],
        [serverlessClients, "s"],
        [transactionalClients, "t"],
      ] as const) {
        await clients.open({
          count: size,
          concurrency: CONNECT_CONCURRENCY,
          namePrefix: `${prefix}${size}-`,
          roomFor: () => `floor-${size}`,
        });
      }
      // The sender's join is announced to the seated members from the table stream: let that pass first.
      await untilQuiet(oursClients);

      const ours = side(oursClients);
      const bare = side(bareClients);
      const serverless = side(serverlessClients);
      const transactional = side(transactionalClients);
      const parts: DurableTimings[] = [];
      const transactionParts: DurableTimings[] = [];
      // Interleaved, one message each in turn, so all three see the same background load.
      const warmups = size === ROOM_SIZES[0] ? FIRST_ROOM_WARMUP_MESSAGES : WARMUP_MESSAGES;
      for (let i = 0; i < warmups + MEASURED_MESSAGES; i++) {
        for (const [label, current] of [
          ["ours", ours],
          ["floor", bare],
          ["serverless", serverless],
          ["transactional", transactional],
        ] as const) {
          const clientMessageId = `${label}-${size}-${i}`;
          current.ids.push(clientMessageId);
          const elapsed = await current.clients.timeOneMessage(current.sender, {
            clientMessageId,
            text: TEXT,
            timeoutMs: MESSAGE_TIMEOUT_MS,
          });
          const probed = current === serverless || current === transactional;
          if (probed) probeIds.push(clientMessageId);
          if (i < warmups) continue;
          current.samples.push(elapsed);
          if (!probed) continue;
          const timings = floor.durableTimings.get(clientMessageId);
          if (!timings) throw new Error(`${clientMessageId}: the ${label} floor reported no timings`);
          (current === serverless ? parts : transactionParts).push(timings);
        }
      }
      // Late duplicates would arrive after the last one counted: give them a moment, then check.
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const { clients, ids } of [ours, bare, serverless, transactional]) clients.assertExactlyOnce(ids);

      const stats = (samples: number[]) => ({
        p50: percentile(samples, 0.5),
        p95: percentile(samples, 0.95),
        max: Math.max(...samples),
      });
      const [o, f, s, t] = [ours, bare, serverless, transactional].map((side) => stats(side.samples)) as [
        ReturnType<typeof stats>,
        ReturnType<typeof stats>,
        ReturnType<typeof stats>,
        ReturnType<typeof stats>,
      ];
      const put = parts.map((p) => p.putMs);
      const post = parts.map((p) => p.postMs);
      const transaction = transactionParts.map((p) => p.putMs);
      rows.push([
        size,
        ms(o.p50),
        ms(o.p95),
        ms(o.max),
        ms(f.p50),
        ms(f.p95),
        ms(f.max),
        ms(s.p50),
        ms(s.p95),
        `${ms(percentile(put, 0.5))} / ${ms(percentile(put, 0.95))}`,
        `${ms(percentile(post, 0.5))} / ${ms(percentile(post, 0.95))}`,
        ratio(o.p50, f.p50),
        ratio(o.p95, f.p95),
        ratio(o.max, f.max),
        ratio(o.p50, s.p50),
        ratio(o.p95, s.p95),
        `${ms(t.p50)} / ${ms(t.p95)}`,
        `${ms(percentile(transaction, 0.5))} / ${ms(percentile(transaction, 0.95))}`,
        ratio(o.p50, t.p50),
        Math.round((size / o.p50) * 1000),
        `${size} x ${ours.ids.length}`,
      ]);
      await Promise.all([ours, bare, serverless, transactional].map(({ clients }) => clients.closeAll()));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    probeClients.assertExactlyOnce(probeIds);
    const problems = [...stack.problems, ...floor.problems];
    if (problems.length)
      throw new Error(`the stack reported problems during the run:\n${problems.slice(0, 20).join("\n")}`);
  } finally {
    dynamo.destroy();
    await probeClients.closeAll();
    await Promise.all([stack.stop(), floor?.stop()]);
  }

  return [
    {
      title: `message latency, send to the last of N clients receiving it, local stack vs the bare ws, serverless and transactional floors (${MEASURED_MESSAGES} messages per room)`,
      columns: [
        "N",
        "ours p50 ms",
        "ours p95 ms",
        "ours max ms",
        "bare ws p50 ms",
        "bare ws p95 ms",
        "bare ws max ms",
        "serverless floor p50 ms",
        "serverless floor p95 ms",
        "its PutItem p50 / p95 ms",
        "its @connections p50 / p95 ms",
        "p50 vs bare ws",
        "p95 vs bare ws",
        "max vs bare ws",
        "p50 vs serverless floor",
        "p95 vs serverless floor",
        "transactional floor p50 / p95 ms",
        "its TransactWriteItems p50 / p95 ms",
        "p50 vs transactional floor",
        "ours deliveries/s at p50",
        "exactly once",
      ],
      rows,
      notes: [
        `ours: ws client -> local API Gateway -> sendMessage handler (the room and user from the authorizer's context; one TransactWriteItems of five items: the room's seq counter from the container's guess, the client id claim, the message, the author's membership (the access check), the frame's rate-limit token; beside it, the room's connection list into the container's cache (a gsi1 Query at most once a second) and the connection's record for its expiry refresh; then the echo to the sender and the @connections POST per member at once, each one request signed by the SDK client's SigV4 signer (core's sender), 32 in flight) -> socket. Rooms above ${DEFAULT_INLINE_LIMIT} hand their fan-out to the queue workers. Stack and DynamoDB Local in their own processes; all clients in the bench process.`,
        "bare ws floor: the same clients and frames through one bare `ws` server process that sends the frame to every socket of the room (no Lambda, no DynamoDB, no @connections).",
        "transactional floor: the serverless floor with ours' transaction instead of its PutItem: one TransactWriteItems of the same five items and conditions (a counter, a claim, the message, a membership, a rate bucket) under keys of its own, then the post, then the fan-out. Between the two floors is the price of that transaction on this DynamoDB Local, which an ordered (gapless seq), idempotent (clientMessageId), access-checked and rate-limited send pays in one round trip.",
        "serverless floor: the same server, but before the fan-out it awaits one PutItem of the message on the stack's DynamoDB Local and table, then one PostToConnection (one SigV4-signed request, core's createSignedPost, as the handlers' sender posts) through the stack's gateway to a probe connection of its own; its two columns are those steps as timed inside it. A real path, not a sum of parts, so its p95 is that of the whole path (see the suite's doc comment).",
        `Each room gets ${WARMUP_MESSAGES} unmeasured warm-up messages (the first, ${ROOM_SIZES[0]}, gets ${FIRST_ROOM_WARMUP_MESSAGES}: DynamoDB Local's JIT compiles its transaction path only after hundreds of calls), then ${MEASURED_MESSAGES} measured; ours and the three floors take turns message by message; one message at a time (the next is sent once the last client got the previous one).`,
        "exactly once: every client (sender included) got every message, warm-ups too, exactly once, and no error or memberLeft frame; the probe got each of the serverless and transactional floors' messages exactly once; otherwise the suite throws.",
        `The sender joins the measured room for real (POST /sessions, a ticket for the room, the authorizer and $connect), so its frames carry the authorizer context naming that room; the N-1 others only receive and are seated without a join storm (bench/support/seat-members.ts: each a user of its own that joins a private room of its own through the real authorizer and $connect, whose record is then moved into the measured room). Sessions, tickets and the presence frames of the sender's join (awaited until the room is quiet) are not part of the measured latency. Seating took ${seatingNotes.join(", ")}.`,
        "DynamoDB Local runs with its full JIT (JAVA_TOOL_OPTIONS=-XX:+UseSerialGC) rather than the tests' start-up setting.",
        "Stack started with skipDisconnect (no $disconnect on close) so tearing down a 1,000-member room does not announce every leave. Handlers log at WARN (POWERTOOLS_LOG_LEVEL); any handler failure or logged line (stack or floor server) fails the run.",
        `${cpus().length} cores shared by the clients, the stack, DynamoDB Local and the floor server; load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)}; suite took ${Math.round((performance.now() - started) / 1000)} s.`,
      ],
    },
  ];
}

/** One side of the comparison: its clients, the one that sends, and what was measured. */
function side(clients: RoomClients): Side {
  return { clients, sender: clients.clients[0]!, samples: [], ids: [] };
}

/** Resolves once no client has received a frame for `quietMs` (at most `maxMs`, then it goes on anyway). */
async function untilQuiet(clients: RoomClients, { quietMs = 1_000, maxMs = 60_000 } = {}) {
  const total = () => clients.clients.reduce((sum, client) => sum + client.received, 0);
  const deadline = performance.now() + maxMs;
  let last = total();
  let quietSince = performance.now();
  while (performance.now() < deadline && performance.now() - quietSince < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = total();
    if (now !== last) [last, quietSince] = [now, performance.now()];
  }
}
