import type { ConnectionListCache } from "../broadcast/connection-list-cache";
import type { BroadcastLogEntry } from "../broadcast/delivery-options";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import type { ServerFrame } from "../protocol/frames";
import type { FanOutSettings } from "./fan-out-job";
import { splitRoom } from "./split-room";

/**
 * A large room's pages go to the fan-out workers (`handedOff`: how many connections they will post to); a small
 * room's listing comes back for the caller to post inline. If the queue refuses the pages, their connections come
 * back too (logged `handoff_failed`): the caller posts them itself rather than lose the frame.
 */
export async function handOffIfLarge(
  db: Db,
  {
    roomId,
    frame,
    now,
    skip,
    fanOut,
    log,
    cache,
  }: {
    roomId: string;
    frame: ServerFrame;
    now?: Date;
    skip: Set<string>;
    fanOut: FanOutSettings;
    log?: (entry: BroadcastLogEntry) => void;
    /** The container's list cache, when the frame may be served from it. */
    cache?: ConnectionListCache;
  },
): Promise<{ listing: readonly Pick<ConnectionItem, "connectionId">[] } | { handedOff: number }> {
  const split = await splitRoom(db, { roomId, frame, now, skip, cache, settings: fanOut });
  if ("listing" in split) return split;
  try {
    await fanOut.queue.enqueue(split.jobs);
    return { handedOff: split.connections };
  } catch (error) {
    const reason = (error as Error)?.message ?? String(error);
    log?.({ event: "handoff_failed", roomId, frameType: frame.type, reason });
    return {
      listing: split.jobs.flatMap((job) => job.connectionIds.map((connectionId) => ({ connectionId }))),
    };
  }
}
