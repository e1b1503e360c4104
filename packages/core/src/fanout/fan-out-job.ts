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
 * The fan-out queue's second kind of job: "announce room X's queued presence", scheduled by the presence worker
 * when the room's digest slot is taken (packages/core/src/presence/announce-queued.ts), so the last changes of a
 * storm are announced once the slot frees. `due`: when it was scheduled to run (epoch ms), which names it on the
 * room's presence marker (`trailingDue`).
 */
export interface PresenceDigestJob {
  kind: "presenceDigest";
  roomId: string;
  due: number;
}

/**
 * The fan-out queue's third kind of job: "close what removing `userId` from the room left open", scheduled by a
 * removal (packages/core/src/realtime/remove-member.ts) to run after the index lag: it deletes the user's
 * connection records in the room and closes their sockets, those the removal listed (`connectionIds`, whose close
 * may have failed) and any the index shows now. `notify`: the owner removed them (they get `removed` first).
 */
export interface RemovalSweepJob {
  kind: "removalSweep";
  roomId: string;
  userId: string;
  notify: boolean;
  connectionIds: string[];
}

/** A job that waits on the queue before it runs. */
export type DelayedJob = PresenceDigestJob | RemovalSweepJob;

/** A message of the fan-out queue: a page (which carries no `kind`), a delayed presence digest or a removal sweep. */
export type QueueJob = FanOutJob | DelayedJob;

/**
 * Delayed jobs on the fan-out queue (SQS's per-message DelaySeconds: whole seconds, 0..900): the job is handed to a
 * worker no sooner than `delaySeconds` after `schedule` resolves, and is durable once it does.
 */
export interface DelayedJobQueue<J extends DelayedJob = PresenceDigestJob> {
  schedule(job: J, delaySeconds: number): Promise<void>;
}

/** SQS's longest per-message delay. */
export const MAX_DELAY_SECONDS = 900;

/**
 * Rooms with more live connections than `inlineLimit` are not posted to from the sender's request: their
 * connections are handed to workers in pages of `pageSize`. Measured in bench/suites/fanout-workers.ts.
 */
export interface FanOutSettings {
  queue: FanOutQueue;
  inlineLimit?: number;
  pageSize?: number;
}

/**
 * Up to this many live connections, the sender's request posts itself (one round trip per 32, no queue hop).
 * Measured (bench/suites/fanout-workers.ts, inline vs 4 workers): from 200 up the workers reached the last member
 * sooner (crossover between 150 and 250), and the sender's request was 3-5x shorter.
 */
export const DEFAULT_INLINE_LIMIT = 200;
/** Connections per worker page: 100 posts at 32 in flight is ~4 round trips of a worker. */
export const DEFAULT_PAGE_SIZE = 100;

/** The SQS message body of a job (JSON), and back; a malformed body is an error for the worker to report. */
export const encodeJob = (job: QueueJob) => JSON.stringify(job);

/** A page's body; anything else (a presence digest job included) is an error. */
export function decodeJob(body: string): FanOutJob {
  const job = decodeQueueJob(body);
  if ("kind" in job) throw new Error("Not a fan-out page");
  return job;
}

/** A page's, a presence digest job's or a removal sweep's body. */
export function decodeQueueJob(body: string): QueueJob {
  const job = JSON.parse(body) as Partial<FanOutJob> &
    Partial<Omit<PresenceDigestJob, "roomId">> &
    Partial<Omit<RemovalSweepJob, "roomId" | "kind">>;
  if (job.kind === "presenceDigest" && typeof job.roomId === "string" && Number.isFinite(job.due))
    return job as PresenceDigestJob;
  if (isRemovalSweep(job)) return job;
  if (
    job.kind !== undefined ||
    typeof job.roomId !== "string" ||
    typeof job.frame?.type !== "string" ||
    !Array.isArray(job.connectionIds)
  )
    throw new Error("Not a fan-out page, presence digest or removal sweep job");
  return job as FanOutJob;
}

function isRemovalSweep(job: Record<string, unknown>): job is RemovalSweepJob & Record<string, unknown> {
  return (
    job.kind === "removalSweep" &&
    typeof job.roomId === "string" &&
    typeof job.userId === "string" &&
    typeof job.notify === "boolean" &&
    Array.isArray(job.connectionIds) &&
    job.connectionIds.every((id) => typeof id === "string")
  );
}
