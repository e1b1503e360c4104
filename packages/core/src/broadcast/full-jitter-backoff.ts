/** First retry waits up to this long; each further retry doubles the ceiling. */
export const DEFAULT_BASE_DELAY_MS = 100;
/** No single wait exceeds this, however many retries. */
export const DEFAULT_MAX_DELAY_MS = 2_000;

export interface BackoffOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A number in [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
}

/**
 * "Full jitter" (AWS Architecture Blog, Exponential Backoff And Jitter): a uniform wait in
 * [0, min(max, base * 2^retry)). Throttled posts from many workers spread out instead of retrying in lockstep.
 * `retry` is 0 for the first retry.
 */
export function fullJitterDelayMs(
  retry: number,
  {
    baseDelayMs = DEFAULT_BASE_DELAY_MS,
    maxDelayMs = DEFAULT_MAX_DELAY_MS,
    random = Math.random,
  }: BackoffOptions = {},
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}
