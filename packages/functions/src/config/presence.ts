/**
 * The presence handler's settings, from its function's environment (infra/presence.ts sets them on AWS, the
 * local stack for its process): PRESENCE_DETAIL_LIMIT (rooms with more live members get `presence` digests),
 * PRESENCE_DIGEST_INTERVAL_MS. Unset: core's defaults (CONTRACT: 100 members, 2 s).
 */
export function presenceSettings(): { detailLimit?: number; intervalMs?: number } {
  return {
    ...positiveInteger("detailLimit", process.env.PRESENCE_DETAIL_LIMIT),
    ...positiveInteger("intervalMs", process.env.PRESENCE_DIGEST_INTERVAL_MS),
  };
}

function positiveInteger<K extends string>(key: K, raw: string | undefined): Partial<Record<K, number>> {
  if (raw === undefined || raw === "") return {};
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${key} must be a non-negative integer, got ${raw}`);
  return { [key]: value } as Record<K, number>;
}
