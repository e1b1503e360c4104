import type { DelayedJob, DelayedJobQueue, FanOutQueue, FanOutSettings } from "@rooms/core/fanout";
import type { createSqsFanOutQueue } from "@rooms/core/fanout-queue";
import { Resource } from "sst";

/**
 * The fan-out queue, for the WebSocket routes that broadcast: SST links `FanOut` (its `url`) to them
 * (infra/fan-out.ts), the local stack its emulation. Not linked: every broadcast posts inline. The SQS client is
 * imported on the first call and kept for the life of the container. FANOUT_INLINE_LIMIT and FANOUT_PAGE_SIZE
 * (environment) override core's defaults.
 */
let sqsQueue: Promise<ReturnType<typeof createSqsFanOutQueue>> | undefined;
const loadQueue = () =>
  (sqsQueue ??= import("@rooms/core/fanout-queue").then(({ createSqsFanOutQueue }) =>
    createSqsFanOutQueue({ queueUrl: Resource.FanOut.url }),
  ));
/** Loads the SQS client only when a large room first hands off pages, not for every route that may broadcast. */
const lazyQueue: FanOutQueue & DelayedJobQueue<DelayedJob> = {
  async enqueue(jobs) {
    await (await loadQueue()).enqueue(jobs);
  },
  async schedule(job, delaySeconds) {
    await (await loadQueue()).schedule(job, delaySeconds);
  },
};

/**
 * The fan-out queue for delayed jobs: presence digests (the presence and fan-out workers, when a large room's digest
 * slot was taken) and removal sweeps (`DELETE /rooms/{roomId}/members/{userId}`). Undefined when `FanOut` is not
 * linked.
 */
export function getDelayedJobQueue(): DelayedJobQueue<DelayedJob> | undefined {
  return "FanOut" in Resource ? lazyQueue : undefined;
}

export function getFanOut(): FanOutSettings | undefined {
  // `in` does not throw for an unlinked resource (a property read does).
  if (!("FanOut" in Resource)) return undefined;
  return {
    queue: lazyQueue,
    ...positive("inlineLimit", process.env.FANOUT_INLINE_LIMIT),
    ...positive("pageSize", process.env.FANOUT_PAGE_SIZE),
  };
}

function positive<K extends string>(key: K, raw: string | undefined): Partial<Record<K, number>> {
  if (raw === undefined || raw === "") return {};
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${key} must be a positive integer, got ${raw}`);
  return { [key]: value } as Record<K, number>;
}
