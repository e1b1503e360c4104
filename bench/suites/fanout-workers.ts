/**
 * A large room's fan-out: posting from the sender's request (inline, 32 in flight) against handing pages of 100
 * connections to W parallel workers through the fan-out queue (the local SQS emulation, each worker posting its
 * page with 32 in flight), with 20 ms added to every @connections post as a round trip to API Gateway would.
 * Everything runs in this one process on this machine's 2 cores, so W workers share the CPU that one Lambda each
 * would have on AWS: these are measured local figures, the AWS projection is in docs/benchmarks.md.
 */
import { localDynamoClient, startDynamoDbLocal } from "@rooms/dynamodb-local";
import { broadcastToRoom, createApiGatewaySender } from "../../packages/core/src/broadcast";
import { createDb } from "../../packages/core/src/db";
import { FanOut } from "../../packages/core/src/fanout";
import { createSqsFanOutQueue } from "../../packages/core/src/fanout-queue";
import { Room } from "../../packages/core/src/room";
import { ensureTable } from "../../packages/core/src/table";
import { seedConnections } from "../../packages/core/test/support/seed-connections";
import { silentLogger } from "../../packages/local/src/gateway-logger";
import { startLocalQueues } from "../../packages/local/src/sqs-emulation";
import { startConnectionsApiServer } from "../../test/support/connections-api-server";
import { sized } from "../support/quick";
import { ms, ratio } from "../support/stats";
import type { BenchTable } from "../table";

const LATENCY_MS = 20;
const ROOM_SIZES = sized([100, 1_000, 10_000], [100, 500]);
const SETTINGS = ["inline", 4, 16] as const;
const OWNER = { userId: "bench-owner", name: "bench" };

export async function run(): Promise<BenchTable[]> {
  const dynamo = await startDynamoDbLocal();
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, "bench-fanout-workers");
  const db = createDb({ client, table: "bench-fanout-workers" });
  const server = await startConnectionsApiServer({ stage: "bench", latencyMs: LATENCY_MS });
  const sender = createApiGatewaySender({ endpoint: server.endpoint });
  const rows: (string | number)[][] = [];
  try {
    for (const size of ROOM_SIZES) {
      const { roomId } = await Room.create(db, { input: { name: `workers ${size}` }, caller: OWNER });
      await seedConnections(db, { roomId, count: size, prefix: `w${size}-` });
      let inlineMs = 0;
      for (const setting of SETTINGS) {
        server.clear();
        const frame = { type: "pong" as const, lastSeq: rows.length + 1 };
        const queues =
          setting === "inline"
            ? undefined
            : await startLocalQueues({
                logger: silentLogger,
                queues: [
                  {
                    name: "FanOut",
                    // The worker's own code path: decode the page, post it with the broadcast's rules.
                    handler: {
                      routeKey: "FanOut",
                      handler: async (event: { Records: { body: string }[] }) => {
                        for (const { body } of event.Records)
                          await FanOut.deliverPage(db, { job: FanOut.decodeJob(body), sender });
                      },
                    },
                    timeoutMs: 30_000,
                    workers: setting,
                    batchSize: 1,
                    visibilityTimeoutMs: 60_000,
                    maxReceiveCount: 3,
                  },
                ],
              });
        try {
          // inlineLimit 0: every W row hands off, whatever the size, so the table shows where workers start to pay.
          const fanOut = queues && {
            queue: createSqsFanOutQueue({ queueUrl: queues.queues.FanOut!.url }),
            inlineLimit: 0,
          };
          const cpuBefore = process.cpuUsage();
          const started = performance.now();
          await broadcastToRoom(db, { roomId, frame, sender, ...(fanOut && { fanOut }) });
          const requestMs = performance.now() - started;
          const deadline = Date.now() + 300_000;
          while (server.recipients().length < size && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 5));
          const allMs = performance.now() - started;
          const cpu = process.cpuUsage(cpuBefore);
          const cpuMsPerPost = (cpu.user + cpu.system) / 1000 / size;
          const once = server.recipients().filter((id) => server.framesFor(id).length === 1).length;
          if (setting === "inline") inlineMs = allMs;
          rows.push([
            size,
            setting === "inline" ? "inline (sender's request)" : `W = ${setting}`,
            ms(requestMs),
            ms(allMs),
            ratio(allMs, inlineMs),
            Math.round((size / allMs) * 1000),
            `${once} / ${size}`,
            cpuMsPerPost.toFixed(2),
          ]);
        } finally {
          await queues?.stop();
        }
      }
    }
  } finally {
    await server.close();
    client.destroy();
    await dynamo.stop();
  }
  return [
    {
      title: `Large-room fan-out: inline vs W workers, ${LATENCY_MS} ms per post (measured, one process, 2 shared cores)`,
      columns: [
        "members",
        "who posts",
        "sender's request, ms",
        "last delivery, ms",
        "vs inline",
        "posts/s",
        "delivered exactly once",
        "CPU ms per post",
      ],
      rows,
      notes: [
        "Workers: pages of 100 queued by the sender's request (listing + SendMessageBatch), each page posted with 32 in flight.",
        "All workers share this process's event loop and the machine's 2 cores, so W here buys overlap of waits, not CPU.",
        "CPU per post: this process's user + system time / posts; it includes the stand-in @connections server (same process), so it is an upper bound for the sender's side.",
      ],
    },
  ];
}
