import { RateLimitedError } from "../errors/domain-errors";
import type { RateLimitSetting } from "../limits/limits";

/**
 * GCRA, the token bucket kept as one number: the "theoretical arrival time" (`tat`, epoch ms) at which the bucket
 * would be full again. A call is allowed when, after adding its cost (`perMs / rate`), the bucket is still no more
 * than `burst` calls behind; a refused call changes nothing and learns exactly how long to wait. `gcra` decides
 * in memory; `takeToken` makes the same decision with DynamoDB conditions, so it holds across Lambda instances.
 */
export type GcraDecision = { allowed: true; tat: number } | { allowed: false; retryAfterMs: number };

export function gcra({ tat, now, limit }: { tat: number | undefined; now: number; limit: RateLimitSetting }) {
  const interval = limit.perMs / limit.rate;
  const next = Math.max(tat ?? now, now) + interval;
  const over = next - now - interval * limit.burst;
  return (over > 0 ? { allowed: false, retryAfterMs: over } : { allowed: true, tat: next }) as GcraDecision;
}

/** A conditional write's outcome: written (the record as written), or not (the record as it was; null: none). */
export type ConditionalWrite<R> = { written: true; record: R } | { written: false; record: R | null };

/**
 * Where a bucket's `tat` is stored: two conditional writes, each atomic on the item (no read first, so calls
 * racing on one bucket never lose a race and retry), each returning the record it met when refused.
 */
export interface TatStore<R> {
  /** Sets `tat` to `next` if the stored one is absent or not after `now` (the bucket is full). */
  writeIfFull(next: number, now: number): Promise<ConditionalWrite<R>>;
  /** Adds `interval` to the stored `tat` if it is after `now` and at most `latest` (a token is left). */
  addIfTokenLeft(interval: number, now: number, latest: number): Promise<ConditionalWrite<R>>;
  tatOf(record: R): number | undefined;
}

/** The latest stored `tat` that still leaves a token: after adding one call's cost it is at most `burst` calls ahead. */
export const latestWithToken = (now: number, limit: RateLimitSetting) =>
  now + (limit.perMs / limit.rate) * (limit.burst - 1);

/**
 * Takes one call's token from a bucket held in DynamoDB: one conditional write when the bucket is full (an idle
 * or slow client), two when a burst is in progress, two (both refused, nothing written) when it is empty.
 * Returns the record as written, or null when there is no record to write to (a gone connection, say).
 * Throws RateLimitedError with `retryAfterMs` when the bucket is empty.
 */
export async function takeToken<R>(
  store: TatStore<R>,
  { limit, now, refusal }: { limit: RateLimitSetting; now: number; refusal: string },
): Promise<R | null> {
  const interval = limit.perMs / limit.rate;
  const latest = latestWithToken(now, limit);
  // Two rounds cover a bucket another instance (with a clock slightly behind) has just refilled.
  for (let round = 0; round < 2; round++) {
    const full = await store.writeIfFull(now + interval, now);
    if (full.written) return full.record;
    if (full.record === null) return null;
    const draining = await store.addIfTokenLeft(interval, now, latest);
    if (draining.written) return draining.record;
    if (draining.record === null) return null;
    const decision = gcra({ tat: store.tatOf(draining.record), now, limit });
    if (!decision.allowed) throw new RateLimitedError(refusal, decision.retryAfterMs);
  }
  throw new RateLimitedError(refusal, interval);
}
