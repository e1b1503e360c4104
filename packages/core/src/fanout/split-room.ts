import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import type { ServerFrame } from "../protocol/frames";
import { DEFAULT_INLINE_LIMIT, DEFAULT_PAGE_SIZE, type FanOutJob, type FanOutSettings } from "./fan-out-job";

/**
 * Decides who posts a room's frame: the listing itself when the room has at most `inlineLimit` live connections
 * (one Query of inlineLimit + 1, the listing the inline broadcast needs anyway), else pages of `pageSize`
 * connections for the workers (the room listed once more, in 1 MB pages). `skip`: connections that get nothing.
 */
export async function splitRoom(
  db: Db,
  {
    roomId,
    frame,
    now,
    skip,
    settings: { inlineLimit = DEFAULT_INLINE_LIMIT, pageSize = DEFAULT_PAGE_SIZE },
  }: { roomId: string; frame: ServerFrame; now?: Date; skip: Set<string>; settings: FanOutSettings },
): Promise<{ listing: ConnectionItem[] } | { jobs: FanOutJob[]; connections: number }> {
  const listing: ConnectionItem[] = [];
  for await (const page of Connection.pagesByRoom(db, { roomId, now, pageSize: inlineLimit + 1 })) {
    listing.push(...page);
    if (listing.length > inlineLimit) break;
  }
  if (listing.length <= inlineLimit) return { listing };
  const ids = (await Connection.listByRoom(db, { roomId, now }))
    .map((c) => c.connectionId)
    .filter((id) => !skip.has(id));
  const jobs: FanOutJob[] = [];
  for (let i = 0; i < ids.length; i += pageSize)
    jobs.push({ roomId, frame, connectionIds: ids.slice(i, i + pageSize) });
  return { jobs, connections: ids.length };
}
