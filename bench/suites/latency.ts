/**
 * Latency of one chat message to a whole room through the local stack: one sender, rooms of 10, 100 and 1,000
 * live `ws` clients, time from the send to the LAST client (sender included) receiving the message. Beside it,
 * in the same run and interleaved message by message, the floor: the same fan-out by a bare `ws` server
 * (bench/support/bare-fanout-server.ts). Every client must get every message exactly once, or the run fails.
 */
import { cpus, loadavg } from "node:os";
import { createDb } from "@rooms/core/db";
import { Room } from "@rooms/core/room";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { createSession } from "../../test/support/room-session";
import { startBareFanoutServer } from "../support/bare-fanout";
import { sized } from "../support/quick";
import { type RoomClient, RoomClients } from "../support/room-clients";
import { seatMembers } from "../support/seat-members";
import { startStackInChild } from "../support/stack-in-child";
import { ms, percentile, ratio } from "../support/stats";
import type { BenchTable } from "../table";

const ROOM_SIZES = sized([10, 100, 1_000], [10, 50]);
const WARMUP_MESSAGES = 5;
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
  // skipDisconnect: closing a 1,000-member room politely would announce memberLeft N(N-1)/2 times; nothing
  // measured here closes a socket, and the checks fail the run if any memberLeft arrives.
  // DynamoDB Local (started by the stack) with its full JIT: the test default, C1 only, is tuned for start-up.
  const stack = await startStackInChild({ skipDisconnect: true }, { JAVA_TOOL_OPTIONS: "-XX:+UseSerialGC" });
  const floor = await startBareFanoutServer();
  const dynamo = localDynamoClient(stack.dynamodbEndpoint);
  const db = createDb({ client: dynamo, table: stack.tableName });
  const rows: (string | number)[][] = [];
  const seatingNotes: string[] = [];
  let deliveriesPerSecond = 0;

  try {
    const owner = await createSession(stack.httpUrl, "latency owner");
    for (const size of ROOM_SIZES) {
      const room = await Room.create(db, { input: { name: `latency ${size}` }, caller: owner.user });
      const seatStarted = performance.now();
      const oursClients = new RoomClients(stack);
      await seatMembers({
        db,
        clients: oursClients,
        roomId: room.roomId,
        count: size,
        concurrency: CONNECT_CONCURRENCY,
        namePrefix: `m${size}-`,
      });
      seatingNotes.push(`${size}: ${Math.round(performance.now() - seatStarted)} ms`);
      const floorClients = new RoomClients({ wsUrl: floor.wsUrl });
      await floorClients.open({
        count: size,
        concurrency: CONNECT_CONCURRENCY,
        namePrefix: `f${size}-`,
        roomFor: () => `floor-${size}`,
      });

      const ours: Side = { clients: oursClients, sender: oursClients.clients[0]!, samples: [], ids: [] };
      const bare: Side = { clients: floorClients, sender: floorClients.clients[0]!, samples: [], ids: [] };
      // Interleaved, one message each in turn, so both sides see the same background load.
      for (let i = 0; i < WARMUP_MESSAGES + MEASURED_MESSAGES; i++) {
        for (const [label, side] of [
          ["ours", ours],
          ["floor", bare],
        ] as const) {
          const clientMessageId = `${label}-${size}-${i}`;
          side.ids.push(clientMessageId);
          const elapsed = await side.clients.timeOneMessage(side.sender, {
            clientMessageId,
            text: TEXT,
            timeoutMs: MESSAGE_TIMEOUT_MS,
          });
          if (i >= WARMUP_MESSAGES) side.samples.push(elapsed);
        }
      }
      // Late duplicates would arrive after the last one counted: give them a moment, then check.
      await new Promise((resolve) => setTimeout(resolve, 500));
      ours.clients.assertExactlyOnce(ours.ids);
      bare.clients.assertExactlyOnce(bare.ids);

      const [o50, o95, oMax] = [
        percentile(ours.samples, 0.5),
        percentile(ours.samples, 0.95),
        Math.max(...ours.samples),
      ];
      const [f50, f95, fMax] = [
        percentile(bare.samples, 0.5),
        percentile(bare.samples, 0.95),
        Math.max(...bare.samples),
      ];
      deliveriesPerSecond = (size / o50) * 1000;
      rows.push([
        size,
        ms(o50),
        ms(o95),
        ms(oMax),
        ms(f50),
        ms(f95),
        ms(fMax),
        ratio(o50, f50),
        ratio(o95, f95),
        ratio(oMax, fMax),
        Math.round(deliveriesPerSecond),
        `${size} x ${ours.ids.length}`,
      ]);
      await Promise.all([ours.clients.closeAll(), bare.clients.closeAll()]);
    }
    const problems = [...stack.problems, ...floor.problems];
    if (problems.length)
      throw new Error(`the stack reported problems during the run:\n${problems.slice(0, 20).join("\n")}`);
  } finally {
    dynamo.destroy();
    await Promise.all([stack.stop(), floor.stop()]);
  }

  return [
    {
      title: `message latency, send to the last of N clients receiving it, local stack vs bare ws floor (${MEASURED_MESSAGES} messages per room)`,
      columns: [
        "N",
        "ours p50 ms",
        "ours p95 ms",
        "ours max ms",
        "floor p50 ms",
        "floor p95 ms",
        "floor max ms",
        "p50 vs floor",
        "p95 vs floor",
        "max vs floor",
        "ours deliveries/s at p50",
        "exactly once",
      ],
      rows,
      notes: [
        "ours: ws client -> local API Gateway -> sendMessage handler (Get connection, strongly consistent Get of the room's seq counter, one TransactWriteItems, the echo to the sender, then Query gsi1) -> @connections POST per member (real SDK, 32 in flight) -> socket. Stack and DynamoDB Local in their own processes; all clients in the bench process.",
        "floor: the same clients and frames through one bare `ws` server process that sends the frame to every socket of the room (no Lambda, no DynamoDB, no @connections).",
        `Each room gets ${WARMUP_MESSAGES} unmeasured warm-up messages, then ${MEASURED_MESSAGES} measured; ours and floor alternate message by message; one message at a time (the next is sent once the last client got the previous one).`,
        "exactly once: every client (sender included) got every message, warm-ups too, exactly once, and no error or memberLeft frame; otherwise the suite throws.",
        `Members are seated without the join storm (bench/support/seat-members.ts): each socket is a user of its own (POST /sessions) that joins, with a ticket (POST /rooms/{id}/tickets), a private room of its own through the real authorizer and $connect; then its connection record is moved into the measured room. Sessions and tickets are not part of the measured latency. Seating took ${seatingNotes.join(", ")}. Real joins would announce memberJoined N(N-1)/2 times: 499,500 posts for 1,000 members, about ${Math.round(499_500 / deliveriesPerSecond / 60)} min at the ${Math.round(deliveriesPerSecond)} deliveries/s measured here.`,
        "DynamoDB Local runs with its full JIT (JAVA_TOOL_OPTIONS=-XX:+UseSerialGC) rather than the tests' start-up setting.",
        `Stack started with skipDisconnect (no $disconnect on close) so tearing down a 1,000-member room does not announce memberLeft N(N-1)/2 times. Handlers log at WARN (POWERTOOLS_LOG_LEVEL); any handler failure or logged line fails the run.`,
        `${cpus().length} cores shared by the clients, the stack, DynamoDB Local and the floor; load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${loadavg()[0]!.toFixed(2)}; suite took ${Math.round((performance.now() - started) / 1000)} s.`,
      ],
    },
  ];
}
