import type { DynamoDbStreamsApi, StreamShard, WireStreamRecord } from "./dynamodb-streams-api";
import { matchesAnyFilter } from "./event-filter";
import type { GatewayLogger } from "./gateway-logger";
import { invokeHandler } from "./invoke-handler";
import type { RouteHandler } from "./route-handlers";

export interface StreamEventSourceOptions {
  api: DynamoDbStreamsApi;
  streamArn: string;
  /** The subscriber; invoked as Lambda would be: a JSON copy of `{ Records }`, the function's timeout. */
  handler: RouteHandler;
  timeoutMs: number;
  batchSize: number;
  maximumBatchingWindowMs: number;
  /** Retries of a failed batch before it is dropped (logged); the shard waits meanwhile, as on AWS. */
  maximumRetryAttempts: number;
  filters: readonly Record<string, unknown>[];
  /** Lambda polls each shard about four times a second. */
  pollIntervalMs?: number;
  /** First wait after a failed batch; doubles per retry. */
  retryDelayMs?: number;
  logger: GatewayLogger;
}

export interface StreamEventSource {
  /** Stops polling; waits for the batch in flight. */
  stop(): Promise<void>;
}

/** Shards closed by DynamoDB (it rolls them over) are followed by their children; new ones are looked for this often. */
const SHARD_DISCOVERY_MS = 1_000;

/**
 * An in-process Lambda event source mapping on a DynamoDB Stream, reading the real stream of DynamoDB Local:
 * starts at LATEST, one poller per shard (records of a shard in order, one batch in flight per shard, children
 * after their parent), filter criteria applied before batching, a batch handed over when it holds `batchSize`
 * records or its first record has waited `maximumBatchingWindowMs`, a failed invocation retried with the same
 * batch (exponential backoff) up to `maximumRetryAttempts` times, then dropped and logged.
 */
export async function startStreamEventSource(options: StreamEventSourceOptions): Promise<StreamEventSource> {
  const { api, streamArn, pollIntervalMs = 250, logger } = options;
  let stopped = false;
  const pollers = new Map<string, Promise<void>>();

  const follow = (shard: StreamShard, start: "LATEST" | "TRIM_HORIZON") => {
    const parent = shard.ParentShardId ? pollers.get(shard.ParentShardId) : undefined;
    const poller = (async () => {
      await parent;
      await pollShard(shard.ShardId, start);
    })().catch((error) =>
      logger.error(`stream ${options.handler.routeKey}: shard ${shard.ShardId} failed:`, error),
    );
    pollers.set(shard.ShardId, poller);
  };

  async function pollShard(shardId: string, start: "LATEST" | "TRIM_HORIZON") {
    let iterator = await api.iterator(streamArn, shardId, start);
    const buffer: WireStreamRecord[] = [];
    let oldestAt = 0;
    while (!stopped && iterator) {
      const { records, next } = await api.records(iterator, 1_000);
      iterator = next;
      const kept = records
        .map((record) => ({ ...record, eventSourceARN: streamArn }))
        .filter((record) => matchesAnyFilter(options.filters, record));
      if (kept.length > 0 && buffer.length === 0) oldestAt = performance.now();
      buffer.push(...kept);
      const windowOver = () => performance.now() - oldestAt >= options.maximumBatchingWindowMs;
      while (buffer.length >= options.batchSize || (buffer.length > 0 && (windowOver() || !iterator))) {
        await deliver(buffer.splice(0, options.batchSize));
        oldestAt = performance.now();
      }
      // Lambda's event source polls a shard about four times a second, busy or not; polling again at once while
      // records keep coming would load DynamoDB Local with GetRecords calls AWS never makes.
      if (!stopped) await sleep(pollIntervalMs);
    }
  }

  async function deliver(records: WireStreamRecord[]) {
    const { handler, timeoutMs, maximumRetryAttempts, retryDelayMs = 200 } = options;
    for (let attempt = 0; ; attempt++) {
      try {
        await invokeHandler(handler, { Records: records }, { timeoutMs });
        return;
      } catch (error) {
        if (attempt >= maximumRetryAttempts) {
          logger.error(
            `stream ${handler.routeKey}: batch of ${records.length} dropped after ${attempt} retries:`,
            error,
          );
          return;
        }
        logger.info(`stream ${handler.routeKey}: batch of ${records.length} failed, retry ${attempt + 1}`);
        await sleep(Math.min(retryDelayMs * 2 ** attempt, 5_000));
      }
    }
  }

  // What is in the stream already is history: open shards from their tip, closed ones not at all.
  for (const shard of await api.shards(streamArn)) {
    if (shard.SequenceNumberRange?.EndingSequenceNumber) pollers.set(shard.ShardId, Promise.resolve());
    else follow(shard, "LATEST");
  }
  const discovery = (async () => {
    while (!stopped) {
      await sleep(SHARD_DISCOVERY_MS);
      if (stopped) return;
      try {
        for (const shard of await api.shards(streamArn))
          if (!pollers.has(shard.ShardId)) follow(shard, "TRIM_HORIZON");
      } catch (error) {
        logger.error(`stream ${options.handler.routeKey}: DescribeStream failed:`, error);
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      await discovery;
      await Promise.all(pollers.values());
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
