import type { ConnectionSender } from "./connection-sender";
import { type BackoffOptions, fullJitterDelayMs } from "./full-jitter-backoff";

export const DEFAULT_MAX_RETRIES = 3;

export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt for a `retryable` outcome; then the connection counts as failed. */
  maxRetries?: number;
  /** Injectable so tests need not wait for real backoff. */
  sleep?: (ms: number) => Promise<void>;
}

/** The settled result of one connection: `retryable` never escapes, it becomes delivered or failed. */
export type FinalOutcome =
  | { status: "delivered" }
  | { status: "gone" }
  | { status: "failed"; reason: string };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Posts one payload to one connection, retrying `retryable` outcomes with full-jitter backoff. Never throws:
 * a sender that breaks its contract and throws is reported as failed, so one connection cannot sink the others.
 */
export async function sendWithRetry(
  sender: ConnectionSender,
  { connectionId, data }: { connectionId: string; data: Uint8Array },
  { maxRetries = DEFAULT_MAX_RETRIES, sleep = realSleep, ...backoff }: RetryOptions = {},
): Promise<{ outcome: FinalOutcome; retries: number }> {
  for (let retries = 0; ; retries++) {
    let outcome;
    try {
      outcome = await sender.send({ connectionId, data });
    } catch (error) {
      outcome = {
        status: "failed" as const,
        reason: `sender threw: ${(error as Error)?.message ?? String(error)}`,
      };
    }
    if (outcome.status !== "retryable") return { outcome, retries };
    if (retries >= maxRetries) {
      return {
        outcome: { status: "failed", reason: `gave up after ${retries} retries: ${outcome.reason}` },
        retries,
      };
    }
    await sleep(fullJitterDelayMs(retries, backoff));
  }
}
