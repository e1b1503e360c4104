import type { Db } from "../db/create-db";
import { type Limits, type RateLimitName, rateLimitsOf } from "../limits/limits";
import { takeToken } from "./gcra";
import type { RateBucketItem } from "./rate-bucket.entity";

/** The per-user and per-IP limits, the ones an HTTP route may name (frames are counted by the frame path). */
export type BucketLimitName = Exclude<RateLimitName, "frames">;

/** What a refused caller reads (the code is `rate_limited`, with `retryAfterMs`). */
const refusals: Record<RateLimitName, string> = {
  frames: "Too many frames on this connection; slow down",
  createRoom: "Too many rooms created in a short time; try again shortly",
  createTicket: "Too many connect tickets asked for in a short time; try again shortly",
  createSession: "Too many sessions started from this address in a short time; try again shortly",
};

/** The bucket item outlives the moment it is full again by this much, then TTL removes it. */
const LINGER_SECONDS = 60;

/**
 * Counts one call against the bucket of `name` for `key` (a connectionId, a userId, a source IP): one conditional write on the
 * bucket's own item (two during a burst, two refused ones when empty). Throws RateLimitedError (429, `retryAfterMs`) when the bucket is
 * empty; nothing is written then.
 */
export async function take(
  db: Db,
  { name, key, limits, now = new Date() }: { name: RateLimitName; key: string; limits: Limits; now?: Date },
): Promise<void> {
  const entity = db.entities.rateBucket;
  const nowMs = now.getTime();
  const expiresAt = (tat: number) => Math.ceil(tat / 1000) + LINGER_SECONDS;
  const outcome = (result: { rejected: boolean; data?: RateBucketItem | null }) =>
    result.rejected
      ? { written: false as const, record: result.data ?? null }
      : { written: true as const, record: null };
  await takeToken<RateBucketItem | null>(
    {
      writeIfFull: async (next, nowMs) =>
        outcome(
          await entity
            .upsert({ scope: name, key, tat: next, expiresAt: expiresAt(next) })
            .where((attr, { notExists, lte }) => `(${notExists(attr.tat)} OR ${lte(attr.tat, nowMs)})`)
            .go({ response: "none", returnOnConditionCheckFailure: "all_old" }),
        ),
      addIfTokenLeft: async (interval, nowMs, latest) =>
        outcome(
          await entity
            .patch({ scope: name, key })
            .add({ tat: interval })
            // Kept for as long as the burst can last; a bucket reaches its latest tat only while refusing.
            .set({ expiresAt: expiresAt(latest + interval) })
            .where((attr, { gt, lte }) => `${gt(attr.tat, nowMs)} AND ${lte(attr.tat, latest)}`)
            .go({ response: "none", returnOnConditionCheckFailure: "all_old" }),
        ),
      tatOf: (record) => record?.tat,
    },
    { limit: rateLimitsOf(limits)[name], now: nowMs, refusal: refusals[name] },
  );
}
