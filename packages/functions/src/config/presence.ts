/**
 * The presence settings of the presence worker and the fan-out worker (which runs delayed digests), from the
 * function's environment (the local stack sets them for its process; tests lower them): PRESENCE_DETAIL_LIMIT
 * (rooms with more live members get `presence` digests), PRESENCE_DIGEST_INTERVAL_MS (the shortest gap between
 * two digests of a room), PRESENCE_DIGEST_POSTS_PER_SECOND (the post rate one room's digests may use). Unset:
 * core's defaults (CONTRACT: 100 members, 2 s; and 20 posts/s per room, presence-marker.ts).
 */
export function presenceSettings(): { detailLimit?: number; intervalMs?: number; postsPerSecond?: number } {
  const postsPerSecond = positiveInteger("postsPerSecond", process.env.PRESENCE_DIGEST_POSTS_PER_SECOND);
  if (postsPerSecond.postsPerSecond === 0) throw new Error("postsPerSecond must be positive, got 0");
  return {
    ...positiveInteger("detailLimit", process.env.PRESENCE_DETAIL_LIMIT),
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
