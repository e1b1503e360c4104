import type { ServerFrame } from "../protocol/frames";

/** One page of a large room's fan-out: a frame and the connections a worker posts it to. */
export interface FanOutJob {
  roomId: string;
  frame: ServerFrame;
  connectionIds: string[];
}

/** Where pages go (SQS on AWS, the local stack's emulation of it): durable once `enqueue` resolves. */
export interface FanOutQueue {
  enqueue(jobs: readonly FanOutJob[]): Promise<void>;
}

/**
 * Rooms with more live connections than `inlineLimit` are not posted to from the sender's request: their
 * connections are handed to workers in pages of `pageSize`. Measured in bench/suites/fanout-workers.ts.
 */
export interface FanOutSettings {
  queue: FanOutQueue;
  inlineLimit?: number;
  pageSize?: number;
}

/** Up to this many live connections, the sender's request posts itself (one round trip per 32, no queue hop). */
export const DEFAULT_INLINE_LIMIT = 500;
/** Connections per worker page: 100 posts at 32 in flight is ~4 round trips of a worker. */
export const DEFAULT_PAGE_SIZE = 100;

/** The SQS message body of a page (JSON), and back; a malformed body is an error for the worker to report. */
export const encodeJob = (job: FanOutJob) => JSON.stringify(job);
export function decodeJob(body: string): FanOutJob {
  const job = JSON.parse(body) as Partial<FanOutJob>;
  if (
    typeof job.roomId !== "string" ||
    typeof job.frame?.type !== "string" ||
    !Array.isArray(job.connectionIds)
  )
    throw new Error("Not a fan-out page");
  return job as FanOutJob;
}
