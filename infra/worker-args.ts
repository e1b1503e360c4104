import { sstHandler } from "../packages/functions/src/routes";
import type { QueueWorkerEntry, StreamWorkerEntry } from "../packages/functions/src/workers";
import { FUNCTION_DEFAULTS, type Reservations } from "./function-args";
import {
  type ArnParts,
  fanOutWorkerPermissions,
  type PermissionSpec,
  presenceWorkerPermissions,
  type RouteArns,
} from "./permissions";

/**
 * The workers' functions and event source mappings, from packages/functions/src/workers.ts. Pure (no SST
 * globals), so infra/test checks exactly what infra/workers.ts deploys.
 *
 * 512 MB: a digest, a small room's memberJoined or a page is a fan-out like a message's. 30 s: a presence batch or
 * a delayed digest job may post to a room of up to 5,000 members (about 5 s at 20 ms a post, 32 in flight), with
 * room for retries (neither waits for a room's digest slot: a taken slot schedules a delayed job); a page of 100
 * takes well under that. The event source waits for it, nobody else does; the fan-out queue's visibility timeout
 * is twice this.
 */
export const STREAM_WORKER_SIZING = { memory: "512 MB", timeout: "30 seconds" } as const;

/**
 * A worker's function: its handler, the shared defaults and sizing, its links (the table, the WebSocket API, the
 * fan-out queue, where both workers schedule delayed presence digests, and the stage's limits, for the
 * presence-detail limit) and its own permissions.
 */
function workerFunction<TableLink, RealtimeLink, QueueLink, LimitsLink, T, R>(
  worker: StreamWorkerEntry | QueueWorkerEntry,
  permissions: PermissionSpec<T>[],
  {
    links,
    joinArn,
    reserved,
  }: {
    reserved?: Reservations;
    links: { table: TableLink; realtime: RealtimeLink; fanOut: QueueLink; limits: LimitsLink };
    joinArn: (parts: ArnParts<T>) => R;
  },
) {
  return {
    handler: sstHandler(worker),
    ...FUNCTION_DEFAULTS,
    logging: { ...FUNCTION_DEFAULTS.logging },
    ...STREAM_WORKER_SIZING,
    // The "workers" family's reservation (infra/limits-config.ts); the fan-out queue's maximum concurrency
    // only helps up to it.
    ...(reserved && { concurrency: { reserved: reserved.workers } }),
    link: [links.table, links.realtime, links.fanOut, links.limits] as (
      | TableLink
      | RealtimeLink
      | QueueLink
      | LimitsLink
    )[],
    permissions: permissions.map(({ actions, resources }) => ({
      actions,
      resources: resources.map(joinArn),
    })),
  };
}

export function streamWorkerArgs<TableLink, RealtimeLink, QueueLink, LimitsLink, T, R>(
  worker: StreamWorkerEntry,
  {
    links,
    arns,
    joinArn,
    reserved,
  }: {
    reserved?: Reservations;
    links: { table: TableLink; realtime: RealtimeLink; fanOut: QueueLink; limits: LimitsLink };
    arns: Required<RouteArns<T>>;
    joinArn: (parts: ArnParts<T>) => R;
  },
) {
  return {
    handler: workerFunction(worker, presenceWorkerPermissions(arns), { links, joinArn, reserved }),
    subscription: {
      filters: worker.filters.map((filter) => ({ ...filter })),
      transform: {
        eventSourceMapping: {
          batchSize: worker.batchSize,
          maximumBatchingWindowInSeconds: worker.maximumBatchingWindowInSeconds,
          maximumRetryAttempts: worker.maximumRetryAttempts,
          // A batch that keeps failing is split until the failing record is alone, so one bad record costs
          // at most its own announcement.
          bisectBatchOnFunctionError: true,
        },
      },
    },
  };
}

/**
 * The fan-out worker's function and subscription: one page per invocation (batch size 1) so pages spread over
 * parallel workers, partial batch responses (a failed page is handed out again, the rest is not), and at most
 * `maximumConcurrency` workers at once so one room's burst cannot take the account's whole post rate.
 */
export function queueWorkerArgs<TableLink, RealtimeLink, QueueLink, LimitsLink, T, R>(
  worker: QueueWorkerEntry,
  {
    links,
    arns,
    joinArn,
    reserved,
  }: {
    reserved?: Reservations;
    links: { table: TableLink; realtime: RealtimeLink; fanOut: QueueLink; limits: LimitsLink };
    arns: Required<RouteArns<T>>;
    joinArn: (parts: ArnParts<T>) => R;
  },
) {
  return {
    handler: workerFunction(worker, fanOutWorkerPermissions(arns), { links, joinArn, reserved }),
    subscription: {
      batch: { size: worker.batchSize, partialResponses: true },
      transform: { eventSourceMapping: { scalingConfig: { maximumConcurrency: worker.maximumConcurrency } } },
    },
  };
}
