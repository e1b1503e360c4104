import { getLimits } from "./limits";

/**
 * The presence settings of the presence worker and the fan-out worker (which runs delayed digests):
 * - detailLimit: the stage's `presenceDetailLimit` (rooms with more live members get `presence` digests), from the
 *   same `Limits` link as every other limit (config/limits.ts), so typing, `read` frames and `sync` use the same;
 * - from the function's environment (the local stack sets them for its process; tests lower them; unset: core's
 *   defaults, presence-marker.ts): PRESENCE_DIGEST_INTERVAL_MS (the shortest gap between two digests of a room,
 *   CONTRACT: 2 s), PRESENCE_DIGEST_POSTS_PER_SECOND (the post rate one room's digests may use, 20).
 */
export function presenceSettings(): { detailLimit: number; intervalMs?: number; postsPerSecond?: number } {
  const postsPerSecond = positiveInteger("postsPerSecond", process.env.PRESENCE_DIGEST_POSTS_PER_SECOND);
  if (postsPerSecond.postsPerSecond === 0) throw new Error("postsPerSecond must be positive, got 0");
  return {
    detailLimit: getLimits().presenceDetailLimit,
    ...positiveInteger("intervalMs", process.env.PRESENCE_DIGEST_INTERVAL_MS),
    ...postsPerSecond,
  };
}

function positiveInteger<K extends string>(key: K, raw: string | undefined): Partial<Record<K, number>> {
  if (raw === undefined || raw === "") return {};
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${key} must be a non-negative integer, got ${raw}`);
  return { [key]: value } as Record<K, number>;
}
