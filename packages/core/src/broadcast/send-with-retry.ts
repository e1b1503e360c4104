import type { ConnectionSender, SendOutcome } from "./connection-sender";
import { type BackoffOptions, fullJitterDelayMs } from "./full-jitter-backoff";

/** Retries of a transient failure (5xx, a reset socket) before the connection counts as failed. */
export const DEFAULT_MAX_RETRIES = 3;
/**
 * How long one connection's throttled posts (429) keep being retried: time, not a count, because a throttle
 * clears with time. 10 s spreads a 1,000-connection page over a 100 posts/s share of the account's rate, and
 * fits the fan-out worker's 30 s timeout (infra/worker-args.ts) with room for the reads and the last post.
 */
export const DEFAULT_THROTTLE_BUDGET_MS = 10_000;
/**
 * The budget for a broadcast a user's request waits on (rooms up to the inline limit, posted by the route's
 * own 15 s Lambda, infra/function-args.ts): 5 s of retries plus one last post's 3 s timeout and the reads.
 */
export const INLINE_THROTTLE_BUDGET_MS = 5_000;

export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt for a transient, non-throttling `retryable` outcome; then failed. */
  maxRetries?: number;
  /**
   * Throttled outcomes (429 / LimitExceeded / TooManyRequests / Throttling) are retried, with full-jitter
   * backoff capped at `maxDelayMs`, for as long as the next wait still ends within this many ms of the first
   * attempt; then the connection counts as failed.
   */
  throttleBudgetMs?: number;
  /** Injectable so tests need not wait for real backoff. */
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds on a monotonic clock; injectable together with `sleep`. */
  clock?: () => number;
}

/** The settled result of one connection: `retryable` never escapes, it becomes delivered or failed. */
export type FinalOutcome =
  | { status: "delivered" }
  | { status: "gone" }
  | { status: "failed"; reason: string };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const monotonicNow = () => performance.now();
/** How the senders word a throttled answer (api-gateway-sender classifyPostError keeps the name and status). */
const throttlingReason = /\b429\b|LimitExceeded|TooManyRequests|Throttling/;

/** True when a retryable outcome is the API's rate limit rather than a transient failure. */
export function isThrottling(reason: string): boolean {
  return throttlingReason.test(reason);
}

/**
 * Posts one payload to one connection, retrying `retryable` outcomes with full-jitter backoff: throttling until
 * `throttleBudgetMs` is spent, other transient failures at most `maxRetries` times. Never throws: a sender that
 * breaks its contract and throws is reported as failed, so one connection cannot sink the others.
 */
export async function sendWithRetry(
  sender: ConnectionSender,
  { connectionId, data }: { connectionId: string; data: Uint8Array },
  {
    maxRetries = DEFAULT_MAX_RETRIES,
    throttleBudgetMs = DEFAULT_THROTTLE_BUDGET_MS,
    sleep = realSleep,
    clock = monotonicNow,
    ...backoff
  }: RetryOptions = {},
): Promise<{ outcome: FinalOutcome; retries: number }> {
  const startedAt = clock();
  let transientRetries = 0;
  for (let retries = 0; ; retries++) {
    const outcome = await attempt(sender, { connectionId, data });
    if (outcome.status !== "retryable") return { outcome, retries };
    const delay = fullJitterDelayMs(retries, backoff);
    if (isThrottling(outcome.reason)) {
      const spent = clock() - startedAt;
      if (spent + delay > throttleBudgetMs) {
        const reason = `gave up after ${retries} retries in ${Math.round(spent)} ms: ${outcome.reason}`;
        return { outcome: { status: "failed", reason }, retries };
      }
    } else if (transientRetries++ >= maxRetries) {
      return {
        outcome: { status: "failed", reason: `gave up after ${retries} retries: ${outcome.reason}` },
        retries,
      };
    }
    await sleep(delay);
  }
}

async function attempt(
  sender: ConnectionSender,
  input: { connectionId: string; data: Uint8Array },
): Promise<SendOutcome> {
  try {
    return await sender.send(input);
  } catch (error) {
    return { status: "failed", reason: `sender threw: ${(error as Error)?.message ?? String(error)}` };
  }
}
