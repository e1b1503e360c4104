import { fullJitterDelayMs } from "../broadcast/full-jitter-backoff";

/** What an attempt returns when DynamoDB asked to back off (throttling, transaction conflicts): wait, try again. */
export const RETRY: unique symbol = Symbol("retry");
/**
 * What an attempt returns when another writer got there first (took the position it computed, changed what it
 * read): the room progressed, so it reads again and tries at once, within the time budget only.
 */
export const LOST: unique symbol = Symbol("lost");

/**
 * Throttling or contention outlasted the retries: nothing was written; the client may send the frame again.
 * A plain Error, not a DomainError, so the handlers answer `internal` and log it at ERROR.
 */
export class TransactionContendedError extends Error {
  constructor(operation: string, attempts: number) {
    super(`${operation} gave up after ${attempts} attempts (transaction conflicts or throttling)`);
    this.name = "TransactionContendedError";
  }
}

export interface RetryOptions {
  /** For the error message: what was being written. */
  operation: string;
  /** RETRYs allowed before giving up, each after a full-jitter wait (10 ms doubling to 200 ms). */
  attempts?: number;
  /** Time for the whole write, lost races included; under the handlers' 15 s timeout. */
  budgetMs?: number;
}

/** Runs `attempt` until it returns a value or throws (see RETRY and LOST for the other two answers). */
export async function retryTransaction<T>(
  { operation, attempts = 8, budgetMs = 10_000 }: RetryOptions,
  attempt: () => Promise<T | typeof RETRY | typeof LOST>,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let retries = 0;
  let tries = 0;
  while (Date.now() < deadline) {
    tries++;
    const result = await attempt();
    if (result === LOST) {
      await wait(Math.random() * 10);
    } else if (result === RETRY) {
      if (++retries >= attempts) break;
      await wait(fullJitterDelayMs(retries - 1, { baseDelayMs: 10, maxDelayMs: 200 }));
    } else {
      return result;
    }
  }
  throw new TransactionContendedError(operation, tries);
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
