import type { Db } from "../db/create-db";
import { RateLimitedError } from "../errors/domain-errors";
import { type Limits, type RateLimitName, type RateLimitSetting, rateLimitsOf } from "../limits/limits";
import { gcra, latestWithToken, takeToken } from "./gcra";
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
  const outcome = (result: { rejected: boolean; data?: RateBucketItem | null }) =>
    result.rejected
      ? { written: false as const, record: result.data ?? null }
      : { written: true as const, record: null };
  const onRefusal = { response: "none", returnOnConditionCheckFailure: "all_old" } as const;
  await takeToken<RateBucketItem | null>(
    {
      writeIfFull: async (next, nowMs) =>
        outcome(
          await entity
            .upsert({ scope: name, key, tat: next, expiresAt: expiresAt(next) })
            .where(bucketIsFull(nowMs))
            .go(onRefusal),
        ),
      addIfTokenLeft: async (interval, nowMs, latest) =>
        outcome(
          await entity
            .patch({ scope: name, key })
            .add({ tat: interval })
            // Kept for as long as the burst can last; a bucket reaches its latest tat only while refusing.
            .set({ expiresAt: expiresAt(latest + interval) })
            .where(tokenIsLeft(nowMs, latest))
            .go(onRefusal),
        ),
      tatOf: (record) => record?.tat,
    },
    { limit: rateLimitsOf(limits)[name], now: now.getTime(), refusal: refusals[name] },
  );
}

const expiresAt = (tat: number) => Math.ceil(tat / 1000) + LINGER_SECONDS;
type BucketWhere = Parameters<ReturnType<Db["entities"]["rateBucket"]["upsert"]>["where"]>[0];
/** takeToken's writeIfFull condition: no bucket yet, or one full again by `nowMs`. */
const bucketIsFull =
  (nowMs: number): BucketWhere =>
  (attr, { notExists, lte }) =>
    `(${notExists(attr.tat)} OR ${lte(attr.tat, nowMs)})`;
/** takeToken's addIfTokenLeft condition: a burst in progress with a token left. */
const tokenIsLeft =
  (nowMs: number, latest: number): BucketWhere =>
  (attr, { gt, lte }) =>
    `${gt(attr.tat, nowMs)} AND ${lte(attr.tat, latest)}`;

/** The rate buckets' entity as a transaction hands it to its items. */
type TransactionRateBucket = Parameters<Parameters<Db["transaction"]["write"]>[0]>[0]["rateBucket"];

/**
 * `take` as one item of a TransactWriteItems, so the call it counts and the writes it admits commit together:
 * a refused call writes nothing at all, not even its bucket. The first attempt assumes the bucket is full (an
 * idle or slow client, the common case: one conditional write, as in `take`). When the bucket item refuses,
 * `refused` reads what it held (the item's all_old): an empty bucket refuses the call (a RateLimitedError with
 * `retryAfterMs`); otherwise the next attempt's `item` takes the token in the form that bucket needs. Each
 * attempt is timed when it is built, since a transaction may be tried again for seconds (lost `seq` races), and
 * a refusal is judged when the answer is in: a slow transaction's bucket has refilled meanwhile, and judging it
 * by the time the attempt was built would refuse a frame within the burst. A condition that fails on a bucket
 * with a token left means another call on it came between: the next attempt, built later, takes that token.
 */
export class TokenInTransaction {
  #draining = false;
  readonly #limits: Limits;
  readonly #limit: RateLimitSetting;
  readonly #interval: number;

  constructor(
    readonly name: RateLimitName,
    readonly key: string,
    limits: Limits,
    private readonly clock: () => number = Date.now,
  ) {
    this.#limits = limits;
    this.#limit = rateLimitsOf(limits)[name];
    this.#interval = this.#limit.perMs / this.#limit.rate;
  }

  /**
   * The call was answered without its transaction (refused for another reason, or a repeat): it still counts,
   * as every call does, by `take` on its own. An empty bucket then throws RateLimitedError, as it would have first.
   */
  takeAlone(db: Db): Promise<void> {
    return take(db, { name: this.name, key: this.key, limits: this.#limits, now: new Date(this.clock()) });
  }

  /** This attempt's conditional write on the bucket (its all_old comes back when it is refused). */
  item(rateBucket: TransactionRateBucket) {
    const { name: scope, key } = this;
    const now = this.clock();
    const interval = this.#interval;
    if (!this.#draining) {
      return rateBucket
        .upsert({ scope, key, tat: now + interval, expiresAt: expiresAt(now + interval) })
        .where(bucketIsFull(now))
        .commit({ response: "all_old" });
    }
    const latest = latestWithToken(now, this.#limit);
    return rateBucket
      .patch({ scope, key })
      .add({ tat: interval })
      .set({ expiresAt: expiresAt(latest + interval) })
      .where(tokenIsLeft(now, latest))
      .commit({ response: "all_old" });
  }

  /**
   * The bucket refused the latest attempt's write, holding `bucket`: the call's refusal when the bucket is empty
   * now (a RateLimitedError with `retryAfterMs`; nothing was written), else undefined and the next attempt's form.
   */
  refused(bucket: { tat?: number } | null | undefined): RateLimitedError | undefined {
    const now = this.clock();
    const decision = gcra({ tat: bucket?.tat, now, limit: this.#limit });
    if (!decision.allowed) return new RateLimitedError(refusals[this.name], decision.retryAfterMs);
    this.#draining = (bucket?.tat ?? 0) > now;
    return undefined;
  }
}
