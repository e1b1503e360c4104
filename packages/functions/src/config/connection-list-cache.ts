import { ConnectionListCache } from "@rooms/core/broadcast";

/**
 * The container's copy of rooms' connection lists (core's broadcast/connection-list-cache.ts), made on the first
 * call and kept for the life of the container, so a chatty room's messages share one list read per window.
 * CONNECTION_LIST_CACHE_MS (environment) overrides core's window; 0 turns the cache off (every broadcast reads).
 */
let cache: { raw: string | undefined; value: ConnectionListCache | undefined } | undefined;

export function getListingCache(): ConnectionListCache | undefined {
  // A deployed container's setting never changes; the local stack may set another one when it starts again.
  const raw = process.env.CONNECTION_LIST_CACHE_MS;
  if (!cache || cache.raw !== raw) cache = { raw, value: fromEnvironment(raw) };
  return cache.value;
}

function fromEnvironment(raw: string | undefined) {
  if (raw === undefined || raw === "") return new ConnectionListCache();
  const ttlMs = Number(raw);
  if (!Number.isInteger(ttlMs) || ttlMs < 0)
    throw new Error(`CONNECTION_LIST_CACHE_MS must be a non-negative integer, got ${raw}`);
  return ttlMs === 0 ? undefined : new ConnectionListCache({ ttlMs });
}
