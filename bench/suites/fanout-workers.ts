/**
 * A large room's fan-out: posting from the sender's request (inline, 32 in flight) against handing pages of 100
 * connections to W parallel workers through the fan-out queue (the local SQS emulation, each worker posting its
 * page with 32 in flight), with 20 ms added to every @connections post as a round trip to API Gateway would.
 * Everything runs in this one process on this machine's 2 cores, so W workers share the CPU that one Lambda each
 * would have on AWS: these are measured local figures, the AWS projection is in docs/benchmarks.md.
 * A second table repeats inline against W = 4 around core's inline limit (DEFAULT_INLINE_LIMIT) to find the room
 * size from which handing off delivers to the last member sooner.
 */
import { loadavg } from "node:os";
import { localDynamoClient, startDynamoDbLocal } from "@rooms/dynamodb-local";
import { broadcastToRoom, createApiGatewaySender } from "../../packages/core/src/broadcast";
import { createDb } from "../../packages/core/src/db";
import { DEFAULT_INLINE_LIMIT, FanOut } from "../../packages/core/src/fanout";
import { createSqsFanOutQueue } from "../../packages/core/src/fanout-queue";
import { Room } from "../../packages/core/src/room";
import { ensureTable } from "../../packages/core/src/table";
import { seedConnections } from "../../packages/core/test/support/seed-connections";
import { silentLogger } from "../../packages/local/src/gateway-logger";
import { startLocalQueues } from "../../packages/local/src/sqs-emulation";
import { startConnectionsApiServer } from "../../test/support/connections-api-server";
import { sized } from "../support/quick";
import { median, ms, ratio } from "../support/stats";
import type { BenchTable } from "../table";

const LATENCY_MS = 20;
const ROOM_SIZES = sized([100, 1_000, 10_000], [100, 500]);
const SETTINGS = ["inline", 4, 16] as const;
/** Around the inline limit: each size this many times inline and with W = 4, alternating; medians reported. */
const THRESHOLD_SIZES = [100, 150, 200, 250, 500, 1_000];
const THRESHOLD_WORKERS = 4;
const THRESHOLD_REPEATS = sized(5, 3);
const OWNER = { userId: "bench-owner", name: "bench" };

type Setting = "inline" | number;
interface Delivery {
  requestMs: number;
  allMs: number;
  once: number;
  cpuMsPerPost: number;
}

export async function run(): Promise<BenchTable[]> {
  const dynamo = await startDynamoDbLocal();
  const client = localDynamoClient(dynamo.endpoint);
  await ensureTable(client, "bench-fanout-workers");
  const db = createDb({ client, table: "bench-fanout-workers" });
  const server = await startConnectionsApiServer({ stage: "bench", latencyMs: LATENCY_MS });
  const sender = createApiGatewaySender({ endpoint: server.endpoint });
  const rooms = new Map<number, string>();
  let frames = 0;

  /** A room of `size` seeded live connections (one per size, reused by both tables). */
  async function roomOf(size: number) {
    const known = rooms.get(size);
    if (known) return known;
    const { roomId } = await Room.create(db, { input: { name: `workers ${size}` }, caller: OWNER });
    await seedConnections(db, { roomId, count: size, prefix: `w${size}-` });
    rooms.set(size, roomId);
    return roomId;
  }

  /** One frame to the whole room, posted inline or handed to `setting` workers; timed to the last delivery. */
  async function deliver(size: number, setting: Setting): Promise<Delivery> {
    const roomId = await roomOf(size);
    server.clear();
    const frame = { type: "pong" as const, lastSeq: ++frames };
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
      // inlineLimit 0: every W row hands off, whatever the size, so the tables show where workers start to pay.
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
      return {
        requestMs,
        allMs,
        once: server.recipients().filter((id) => server.framesFor(id).length === 1).length,
        cpuMsPerPost: (cpu.user + cpu.system) / 1000 / size,
      };
    } finally {
      await queues?.stop();
    }
  }

  const rows: (string | number)[][] = [];
  const thresholdRows: (string | number)[][] = [];
  const load = () => loadavg()[0]!.toFixed(2);
  const loads: string[] = [load()];
  let crossover: number | undefined;
  try {
    for (const size of ROOM_SIZES) {
      let inlineMs = 0;
      for (const setting of SETTINGS) {
        const { requestMs, allMs, once, cpuMsPerPost } = await deliver(size, setting);
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
      }
    }
    loads.push(load());

    for (const size of THRESHOLD_SIZES) {
      const runs: Record<"inline" | "workers", Delivery[]> = { inline: [], workers: [] };
      // Alternating, so a burst of load from elsewhere on the machine falls on both sides alike.
      for (let i = 0; i < THRESHOLD_REPEATS; i++) {
        runs.inline.push(await deliver(size, "inline"));
        runs.workers.push(await deliver(size, THRESHOLD_WORKERS));
      }
      const med = (side: Delivery[], key: "requestMs" | "allMs") => median(side.map((d) => d[key]));
      const inlineAll = med(runs.inline, "allMs");
      const workersAll = med(runs.workers, "allMs");
      const exact = [...runs.inline, ...runs.workers].filter((d) => d.once === size).length;
      // The crossover: the smallest size from which the hand-off's last delivery is the sooner one at every size.
      if (workersAll < inlineAll) crossover ??= size;
      else crossover = undefined;
      thresholdRows.push([
        size,
        ms(med(runs.inline, "requestMs")),
        ms(inlineAll),
        ms(med(runs.workers, "requestMs")),
        ms(workersAll),
        ratio(workersAll, inlineAll),
        workersAll < inlineAll ? `W = ${THRESHOLD_WORKERS}` : "inline",
        `${exact} / ${runs.inline.length + runs.workers.length}`,
      ]);
    }
    loads.push(load());
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
        `Load average (1 min) before / after: ${loads[0]} / ${loads[1]}.`,
      ],
    },
    {
      title: `The inline limit: inline vs W = ${THRESHOLD_WORKERS} around it (core's DEFAULT_INLINE_LIMIT is ${DEFAULT_INLINE_LIMIT}), median of ${THRESHOLD_REPEATS} alternating runs, ${LATENCY_MS} ms per post`,
      columns: [
        "members",
        "inline: sender's request, ms",
        "inline: last delivery, ms",
        `W = ${THRESHOLD_WORKERS}: sender's request, ms`,
        `W = ${THRESHOLD_WORKERS}: last delivery, ms`,
        "last delivery, W vs inline",
        "sooner to the last member",
        "runs delivered exactly once",
      ],
      rows: thresholdRows,
      notes: [
        crossover === undefined
          ? `Crossover: inline delivered to the last member sooner at ${THRESHOLD_SIZES.at(-1)} members too (no crossover in ${THRESHOLD_SIZES.join(" / ")}).`
          : `Crossover: from ${crossover} members up, the hand-off to ${THRESHOLD_WORKERS} workers delivered to the last member sooner than inline.`,
        "The local queue hop is an in-process HTTP call and a poller that wakes at once; on AWS the SQS -> Lambda hop adds tens of ms (and a cold start now and then), which moves the crossover up.",
        `Load average (1 min) before / after this table: ${loads[1]} / ${loads[2]}.`,
      ],
    },
  ];
}
