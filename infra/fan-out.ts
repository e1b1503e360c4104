import { fanOutWorker } from "../packages/functions/src/workers";

/**
 * Large rooms' fan-out: the sender's request queues pages of connections here; the fan-out worker
 * (infra/workers.ts) posts them, up to `maximumConcurrency` at once. A page that keeps failing moves to the
 * dead-letter queue after `maxReceiveCount` receives, kept 14 days for an operator to look at (and redrive).
 */
export const fanOutDeadLetters = new sst.aws.Queue("FanOutDeadLetters", {
  transform: { queue: { messageRetentionSeconds: 14 * 24 * 60 * 60 } },
});

export const fanOutQueue = new sst.aws.Queue("FanOut", {
  visibilityTimeout: `${fanOutWorker.visibilityTimeoutSeconds} seconds`,
  dlq: { queue: fanOutDeadLetters.arn, retry: fanOutWorker.maxReceiveCount },
});
