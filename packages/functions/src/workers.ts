/**
 * The worker manifest: functions that no route invokes, fed by an AWS event source instead. Read by the local
 * stack (which runs an emulation of each event source in-process) and by SST infra alike, as routes.ts is for
 * routes. `module` is a path under packages/functions/src without extension; the handler is its `handler` export.
 */

/**
 * A subscriber of the table's DynamoDB Stream (an event source mapping). `filters` are Lambda event filter
 * patterns on the stream record (AWS syntax); records that match none are dropped before batching.
 */
export interface StreamWorkerEntry {
  name: string;
  module: string;
  filters: readonly Record<string, unknown>[];
  /** Records per invocation at most. */
  batchSize: number;
  /** How long the event source gathers records before invoking (AWS: whole seconds, 0..300). */
  maximumBatchingWindowInSeconds: number;
  /** A failed batch is retried this many times, then dropped (presence is a notice; `sync` is the truth). */
  maximumRetryAttempts: number;
}

/** The key prefix of connection records (core's Connection entity: `$rooms#connectionId_<id>`). */
export const CONNECTION_KEY_PREFIX = "$rooms#connectionId_";

/**
 * Presence: every connection INSERT (a join) and REMOVE ($disconnect, a prune, TTL) of the table, announced to the
 * room as memberJoined/memberLeft or, past the presence-detail limit, a `presence` digest at most every 2 s.
 * MODIFYs (expiry refresh, typing) are filtered out, as is every other entity.
 */
export const presenceWorker = {
  name: "Presence",
  module: "stream/announce-presence",
  filters: [
    {
      eventName: ["INSERT", "REMOVE"],
      dynamodb: { Keys: { pk: { S: [{ prefix: CONNECTION_KEY_PREFIX }] } } },
    },
  ],
  batchSize: 100,
  maximumBatchingWindowInSeconds: 1,
  maximumRetryAttempts: 3,
} as const satisfies StreamWorkerEntry;

export const streamWorkers = [presenceWorker] as const satisfies readonly StreamWorkerEntry[];

/**
 * A subscriber of an SQS queue (an event source mapping): each message is a page of a large room's fan-out.
 * After `maxReceiveCount` receives a page moves to the dead-letter queue.
 */
export interface QueueWorkerEntry {
  name: string;
  module: string;
  /** Messages per invocation; 1: one page per worker, so pages spread over parallel workers. */
  batchSize: number;
  /** Workers at once (the mapping's maximum concurrency, W). */
  maximumConcurrency: number;
  /** A received page is hidden this long; a worker that dies leaves it to reappear after it. */
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

/**
 * Fan-out of large rooms: the sender's request lists the room and queues pages of connections (core/src/fanout);
 * workers post them. Visibility 60 s: twice the worker's 30 s timeout, as AWS advises for Lambda subscribers.
 */
export const fanOutWorker = {
  name: "FanOut",
  module: "queue/deliver-fan-out-page",
  batchSize: 1,
  maximumConcurrency: 16,
  visibilityTimeoutSeconds: 60,
  maxReceiveCount: 3,
} as const satisfies QueueWorkerEntry;

export const queueWorkers = [fanOutWorker] as const satisfies readonly QueueWorkerEntry[];
