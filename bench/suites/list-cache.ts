/**
 * What a chatty room's messages cost in reads, with and without the per-container connection-list cache
 * (packages/core/src/broadcast/connection-list-cache.ts): 20 messages sent one after another, as one warm
 * Lambda container handles them, in rooms of 100 and 1,000 live connections. Each message runs the sendMessage
 * flow itself (core's sendChatMessage: the frame token, the stored message, the fan-out) on DynamoDB Local
 * behind the capacity proxy, which reads what each call consumed (ReturnConsumedCapacity). 100 members post
 * inline (to a local @connections server); 1,000 are past the inline limit and hand their pages to the fan-out
 * queue (a stand-in that takes the pages: the workers read nothing, their pages carry the connection ids).
 */
import { createDb } from "@rooms/core/db";
import { localDynamoClient, startDynamoDbLocal } from "@rooms/dynamodb-local";
import { ConnectionListCache, createApiGatewaySender } from "../../packages/core/src/broadcast";
import type { FanOutJob } from "../../packages/core/src/fanout";
import { CONNECTION_LIST_CACHE_MS } from "../../packages/core/src/limits";
import { Membership } from "../../packages/core/src/membership";
import { sendChatMessage } from "../../packages/core/src/realtime";
import { Room } from "../../packages/core/src/room";
import { ensureTable } from "../../packages/core/src/table";
import { seedConnections } from "../../packages/core/test/support/seed-connections";
import { startConnectionsApiServer } from "../../test/support/connections-api-server";
import { startCapacityProxy, sumTally, verifySignaturesIgnored } from "../support/capacity-proxy";
import { sized } from "../support/quick";
import { ratio } from "../support/stats";
import type { BenchTable } from "../table";

const TABLE = "bench-list-cache";
const ROOM_SIZES = sized([100, 1_000], [100]);
const MESSAGES = 20;
/** The chatty room's rate: 20 messages within a second. */
const MESSAGE_INTERVAL_MS = 50;
const OWNER = { userId: "bench-owner", name: "bench" };

export async function run(): Promise<BenchTable[]> {
  const dynamo = await startDynamoDbLocal();
  const direct = localDynamoClient(dynamo.endpoint);
  const proxy = await startCapacityProxy({ target: dynamo.endpoint });
  const measured = localDynamoClient(proxy.endpoint);
  const server = await startConnectionsApiServer({ stage: "bench" });
  const sender = createApiGatewaySender({ endpoint: server.endpoint });
  const rows: (string | number)[][] = [];
  const notes: string[] = [];
  try {
    // Throws unless DynamoDB Local ignores signatures (the proxy's rewritten bodies no longer match theirs).
    notes.push(`Signature check: ${await verifySignaturesIgnored(dynamo.endpoint)}.`);
    await ensureTable(direct, TABLE);
    const seedDb = createDb({ client: direct, table: TABLE });
    const db = createDb({ client: measured, table: TABLE });
    let handedOff = 0;
    const fanOut = {
      queue: {
        enqueue: async (jobs: readonly FanOutJob[]) => {
          for (const job of jobs) handedOff += job.connectionIds.length;
        },
      },
    };
    for (const size of ROOM_SIZES) {
      let baseline = 0;
      let baselineList = 0;
      for (const cached of [false, true]) {
        // A room of its own per row, so neither row finds the other's list or history.
        const room = await Room.create(seedDb, { input: { name: `list cache ${size}` }, caller: OWNER });
        const connections = await seedConnections(seedDb, {
          roomId: room.roomId,
          count: size,
          prefix: `lc${size}${cached}-`,
        });
        // One member sends all of them (as one chatty user on one socket).
        const [{ connectionId, userId, name }] = connections as [(typeof connections)[0]];
        await Membership.join(seedDb, { room, user: { userId, name } });
        // The cache's clock is the messages' own time, 50 ms apart, whatever this machine's speed: the reads then
        // are those of a room sending 20 messages a second, and the figure does not drift with local load.
        let sendingAt = 0;
        const listingCache = cached ? new ConnectionListCache({ clock: () => sendingAt }) : undefined;
        const delivery = { sender, fanOut, ...(listingCache && { listingCache }) };
        server.clear();
        handedOff = 0;
        proxy.take();
        for (let i = 0; i < MESSAGES; i++) {
          sendingAt = i * MESSAGE_INTERVAL_MS;
          await sendChatMessage({
            db,
            delivery,
            connectionId,
            frame: {
              action: "sendMessage",
              text: `chatty ${i}`,
              clientMessageId: `lc-${size}-${cached}-${i}`,
            },
          });
        }
        await proxy.settle({ quietMs: 200 });
        const tally = proxy.take();
        const sum = sumTally(tally);
        const listQueries = tally.get("Query")?.calls ?? 0;
        // Per message: the sender's echo plus the posts to the others, or the ids handed to the workers.
        const posts = server.recipients().reduce((n, id) => n + server.framesFor(id).length, 0);
        const reached = (posts + handedOff) / MESSAGES;
        if (!cached) {
          baseline = sum.rcu / MESSAGES;
          baselineList = sum.indexRcu / MESSAGES;
        }
        rows.push([
          size,
          cached ? `cache ${CONNECTION_LIST_CACHE_MS} ms` : "read per message",
          MESSAGES,
          listQueries,
          (sum.rcu / MESSAGES).toFixed(2),
          (sum.indexRcu / MESSAGES).toFixed(2),
          ratio(sum.rcu / MESSAGES, baseline),
          ratio(sum.indexRcu / MESSAGES, baselineList),
          `${Math.round(reached)} / ${size}`,
        ]);
        if (!cached)
          notes.push(`${size} members, calls per message: ${sum.operations.join(", ")} (for ${MESSAGES}).`);
        if (sum.errors > 0)
          notes.push(`${size} ${cached ? "cached" : "uncached"}: ${sum.errors} DynamoDB errors`);
      }
    }
  } finally {
    await server.close();
    await proxy.close();
    measured.destroy();
    direct.destroy();
    await dynamo.stop();
  }
  return [
    {
      title: `Chatty room: read units per message, ${MESSAGES} messages ${MESSAGE_INTERVAL_MS} ms apart in one container (measured)`,
      columns: [
        "members",
        "connection list",
        "messages",
        "list Queries",
        "RCU / message",
        "gsi1 RCU / message",
        "RCU vs read per message",
        "gsi1 RCU vs read per message",
        "reached",
      ],
      rows,
      notes: [
        "RCU: what DynamoDB Local reported for every read of the flow (ReturnConsumedCapacity); gsi1: the connection list's part.",
        "reached: posts made (sender's echo included) plus connection ids handed to the fan-out workers, per message. 1,000 members are past the inline limit.",
        "Per container: on AWS each warm container of the route reads a room once per window, so a room's reads per window are at most the containers serving it.",
        ...notes,
      ],
    },
  ];
}
