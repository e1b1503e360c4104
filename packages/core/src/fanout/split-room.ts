import {
  type ConnectionListCache,
  type ListedConnection,
  listRoomConnections,
} from "../broadcast/connection-list-cache";
import type { Db } from "../db/create-db";
import type { ServerFrame } from "../protocol/frames";
import { DEFAULT_INLINE_LIMIT, DEFAULT_PAGE_SIZE, type FanOutJob, type FanOutSettings } from "./fan-out-job";

/**
 * Decides who posts a room's frame: the listing itself when the room has at most `inlineLimit` live connections,
 * else pages of `pageSize` connections for the workers. The room is listed once (in 1 MB pages), or taken from
 * `cache` (the sender's container's copy, see broadcast/connection-list-cache.ts): the workers then read nothing,
 * their pages carry the connection ids. `skip`: connections that get nothing.
 */
export async function splitRoom(
  db: Db,
  {
    roomId,
    frame,
    now,
    skip,
    cache,
    settings: { inlineLimit = DEFAULT_INLINE_LIMIT, pageSize = DEFAULT_PAGE_SIZE },
  }: {
    roomId: string;
    frame: ServerFrame;
    now?: Date;
    skip: Set<string>;
    cache?: ConnectionListCache;
    settings: FanOutSettings;
  },
): Promise<{ listing: ListedConnection[] } | { jobs: FanOutJob[]; connections: number }> {
  const listing = await listRoomConnections(db, { roomId, now, cache });
  if (listing.length <= inlineLimit) return { listing };
  const ids = listing.map((c) => c.connectionId).filter((id) => !skip.has(id));
  const jobs: FanOutJob[] = [];
  for (let i = 0; i < ids.length; i += pageSize)
    jobs.push({ roomId, frame, connectionIds: ids.slice(i, i + pageSize) });
  return { jobs, connections: ids.length };
}
