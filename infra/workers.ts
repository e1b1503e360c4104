import { fanOutWorker, presenceWorker } from "../packages/functions/src/workers";
import { fanOutQueue } from "./fan-out";
import { limits, reservations } from "./limits";
import { joinArn } from "./links";
import { realtime } from "./realtime";
import { table } from "./table";
import { tableIndexNames } from "./table-args";
import { queueWorkerArgs, streamWorkerArgs } from "./worker-args";

/**
 * The workers of packages/functions/src/workers.ts, each on its event source:
 * - Presence: the table's stream (connection INSERTs and REMOVEs only, by the manifest's filter) through an event
 *   source mapping with a batching window, so `$connect` and `$disconnect` only write the connection record.
 * - FanOut: the fan-out queue (infra/fan-out.ts), one page of a large room's connections per invocation.
 */
const arns = {
  tableArn: table.arn,
  indexNames: tableIndexNames(),
  realtimeExecutionArn: realtime.nodes.api.executionArn,
  fanOutQueueArn: fanOutQueue.arn,
};
// Both schedule delayed presence digests on the fan-out queue (SendMessage on it only), and read the stage's
// presenceDetailLimit from `Limits`.
const links = { table, realtime, fanOut: fanOutQueue, limits };
const reserved = reservations;

const presenceArgs = streamWorkerArgs(presenceWorker, { links, arns, joinArn, reserved });
export const presence = table.subscribe(presenceWorker.name, presenceArgs.handler, presenceArgs.subscription);

const fanOutArgs = queueWorkerArgs(fanOutWorker, { links, arns, joinArn, reserved });
export const fanOut = fanOutQueue.subscribe(fanOutArgs.handler, fanOutArgs.subscription);
