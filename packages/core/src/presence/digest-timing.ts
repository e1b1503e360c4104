import { MAX_DELAY_SECONDS } from "../fanout/fan-out-job";
import { PRESENCE_DIGEST_INTERVAL_MS, PRESENCE_DIGEST_POSTS_PER_SECOND } from "./presence-marker";

/** How often a large room may hear a digest (defaults: presence-marker.ts; tests and stages may lower them). */
export interface DigestTiming {
  /** The shortest gap between two digests of a room, whatever its size (CONTRACT: 2 s). */
  intervalMs?: number;
  /** The post rate one room's digests may use: a digest to n members waits n / this seconds after the last one. */
  postsPerSecond?: number;
}

/**
 * How long after a room's previous digest the next may go out, when it goes to `count` live members: the
 * contract's minimum, or longer in a room big enough that digests that often would post more than
 * `postsPerSecond`. Measured against the room's size when the next digest goes, so a growing room waits longer.
 */
export function digestIntervalMs(
  count: number,
  {
    intervalMs = PRESENCE_DIGEST_INTERVAL_MS,
    postsPerSecond = PRESENCE_DIGEST_POSTS_PER_SECOND,
  }: DigestTiming = {},
): number {
  return Math.max(intervalMs, Math.ceil((count * 1_000) / postsPerSecond));
}

/** Added to a delayed digest job's delay: clocks of different machines, and SQS handing it out a moment early. */
export const TRAILING_MARGIN_SECONDS = 1;

/**
 * The DelaySeconds of a delayed digest job for a slot that frees at `due` (epoch ms): the time left rounded up to
 * whole seconds, plus the margin, at most SQS's 900 (a job that comes before the slot frees schedules another).
 */
export function trailingDelaySeconds(due: number, now: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((due - now) / 1_000)) + TRAILING_MARGIN_SECONDS);
}
