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
 * batch (exponential backoff) up to `maximumRetryAttempts` times, then dropped and logged. A failed GetRecords
 * (DynamoDB Local answers TrimmedDataAccessException now and then on a busy machine) does not end the shard's
 * poller: it goes on after the last record it read, so no record is skipped or read twice.
 */
export async function startStreamEventSource(options: StreamEventSourceOptions): Promise<StreamEventSource> {
  const { api, streamArn, pollIntervalMs = 250, logger } = options;
  let stopped = false;
  const pollers = new Map<string, Promise<void>>();

  /** Polls a shard from `place` (after that record; null: from the shard's first one) once its parent is done. */
  const follow = (shard: StreamShard, place: Promise<string | null>) => {
    const parent = shard.ParentShardId ? pollers.get(shard.ParentShardId) : undefined;
    const poller = (async () => {
      const after = await place;
      await parent;
      await pollShard(shard.ShardId, after);
    })().catch((error) =>
      logger.error(`stream ${options.handler.routeKey}: shard ${shard.ShardId} failed:`, error),
    );
    pollers.set(shard.ShardId, poller);
  };

  async function pollShard(shardId: string, start: string | null) {
    // The poller's place in the shard: after this record (null: before the shard's first one). A failed
    // GetRecords resumes from here, as Lambda's event source keeps polling a shard through errors.
    let after = start;
    let iterator = await iteratorAfter(shardId, after);
    const buffer: WireStreamRecord[] = [];
    let oldestAt = 0;
    for (let failures = 0; !stopped && iterator; ) {
      let page: Awaited<ReturnType<DynamoDbStreamsApi["records"]>>;
      try {
        page = await api.records(iterator, 1_000);
        failures = 0;
      } catch (error) {
        failures++;
        logger.info(
          `stream ${options.handler.routeKey}: GetRecords on shard ${shardId} failed (${errorName(error)}), ` +
            `resuming after the last record read (${failures} in a row)`,
        );
        await sleep(Math.min((options.retryDelayMs ?? 200) * 2 ** (failures - 1), 5_000));
        iterator = stopped ? undefined : await iteratorAfter(shardId, after);
        continue;
      }
      iterator = page.next;
      const fresh = page.records.filter((record) => isAfter(record, after));
      after = fresh.at(-1)?.dynamodb?.SequenceNumber ?? after;
      const kept = fresh
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

  /** The shard's newest record now (null: none): where a LATEST start begins, as a place a retry can return to. */
  async function lastRecordOf(shardId: string): Promise<string | null> {
    let last: string | null = null;
    let iterator = await api.iterator(streamArn, shardId, "TRIM_HORIZON");
    while (iterator) {
      const { records, next } = await api.records(iterator, 1_000);
      if (records.length === 0) break;
      last = records.at(-1)?.dynamodb?.SequenceNumber ?? last;
      iterator = next;
    }
    return last;
  }

  /** An iterator just after `after` (the shard's start for null); the oldest record left if that one was trimmed. */
  async function iteratorAfter(shardId: string, after: string | null): Promise<string | undefined> {
    for (let failures = 0; !stopped; failures++) {
      try {
        if (after === null) return await api.iterator(streamArn, shardId, "TRIM_HORIZON");
        return await api.iterator(streamArn, shardId, "AFTER_SEQUENCE_NUMBER", after);
      } catch (error) {
        if (errorName(error) === "TrimmedDataAccessException" && after !== null) {
          logger.error(
            `stream ${options.handler.routeKey}: shard ${shardId} was trimmed past the last record read; ` +
              "going on from its oldest record",
          );
          after = null;
          continue;
        }
        logger.info(
          `stream ${options.handler.routeKey}: GetShardIterator failed (${errorName(error)}), retrying`,
        );
        await sleep(Math.min((options.retryDelayMs ?? 200) * 2 ** failures, 5_000));
      }
    }
    return undefined;
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

  // What is in the stream already is history: open shards from their tip (LATEST, held as the place after their
  // newest record, found before this returns), closed ones not at all.
  for (const shard of await api.shards(streamArn)) {
    if (shard.SequenceNumberRange?.EndingSequenceNumber) pollers.set(shard.ShardId, Promise.resolve());
    else {
      const tip = lastRecordOf(shard.ShardId);
      follow(shard, tip);
      await tip.catch(() => {}); // a failure is the poller's, logged there
    }
  }
  const discovery = (async () => {
    while (!stopped) {
      await sleep(SHARD_DISCOVERY_MS);
      if (stopped) return;
      try {
        for (const shard of await api.shards(streamArn))
          if (!pollers.has(shard.ShardId)) follow(shard, Promise.resolve(null));
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
const errorName = (error: unknown) => (error instanceof Error ? error.name : String(error));
/** Sequence numbers within a shard grow; they are decimal strings longer than a double holds. */
const isAfter = (record: WireStreamRecord, after: string | null) => {
  const sequence = record.dynamodb?.SequenceNumber;
  return after === null || sequence === undefined || BigInt(sequence) > BigInt(after);
};
