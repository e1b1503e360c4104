import { queueWorkers, streamWorkers } from "@rooms/functions/workers";
import type { DynamoDbStreamsApi } from "./dynamodb-streams-api";
import type { GatewayLogger } from "./gateway-logger";
import { runAs } from "./iam-enforcement";
import { callHandler } from "./invoke-handler";
import type { RouteHandler } from "./route-handlers";
import { type LocalQueues, startLocalQueues } from "./sqs-emulation";
import { type StreamEventSource, startStreamEventSource } from "./stream-event-source";

/** Infra gives the workers this timeout (infra/worker-args.ts); the local invocations get the same. */
export const WORKER_TIMEOUT_MS = 30_000;

/** A manifest worker's handler, imported on first use (after the local stack has set the environment). */
function workerHandler(worker: { name: string; module: string }): RouteHandler {
  return {
    routeKey: worker.name,
    functionName: `rooms-local-${worker.module.replace("/", "-")}`,
    handler: async (event, context) => {
      const loaded = (await import(`@rooms/functions/${worker.module}`)) as {
        handler: RouteHandler["handler"];
      };
      return runAs(worker.name, () => callHandler(loaded.handler, event, context));
    },
  };
}

export interface StreamWorkerOverrides {
  /** Shorter than the manifest's batching window (tests); the manifest's when omitted. */
  maximumBatchingWindowMs?: number;
  retryDelayMs?: number;
}

/**
 * Starts an event source for each stream worker of packages/functions/src/workers.ts, on the table's stream,
 * with the manifest's batch size, window, retries and filters. Handlers are imported on first use, after the
 * local stack has set the environment they read.
 */
export async function startStreamWorkers({
  api,
  streamArn,
  logger,
  overrides = {},
}: {
  api: DynamoDbStreamsApi;
  streamArn: string;
  logger: GatewayLogger;
  overrides?: StreamWorkerOverrides;
}): Promise<StreamEventSource[]> {
  const sources: StreamEventSource[] = [];
  for (const worker of streamWorkers) {
    const handler = workerHandler(worker);
    sources.push(
      await startStreamEventSource({
        api,
        streamArn,
        handler,
        timeoutMs: WORKER_TIMEOUT_MS,
        batchSize: worker.batchSize,
        maximumBatchingWindowMs:
          overrides.maximumBatchingWindowMs ?? worker.maximumBatchingWindowInSeconds * 1_000,
        maximumRetryAttempts: worker.maximumRetryAttempts,
        filters: worker.filters,
        logger,
        ...(overrides.retryDelayMs !== undefined && { retryDelayMs: overrides.retryDelayMs }),
      }),
    );
  }
  return sources;
}

export interface QueueWorkerOverrides {
  /** Pollers per queue (W); the manifest's maximum concurrency when omitted. */
  workers?: number;
  /** Shorter than the manifest's visibility timeout (tests). */
  visibilityTimeoutMs?: number;
}

/** The SQS emulation with a queue (and its dead-letter queue) per queue worker of the manifest. */
export function startQueueWorkers({
  logger,
  port,
  overrides = {},
}: {
  logger: GatewayLogger;
  port?: number;
  overrides?: QueueWorkerOverrides;
}): Promise<LocalQueues> {
  return startLocalQueues({
    logger,
    ...(port !== undefined && { port }),
    queues: queueWorkers.map((worker) => ({
      name: worker.name,
      handler: workerHandler(worker),
      timeoutMs: WORKER_TIMEOUT_MS,
      workers: overrides.workers ?? worker.maximumConcurrency,
      batchSize: worker.batchSize,
      visibilityTimeoutMs: overrides.visibilityTimeoutMs ?? worker.visibilityTimeoutSeconds * 1_000,
      maxReceiveCount: worker.maxReceiveCount,
    })),
  });
}
