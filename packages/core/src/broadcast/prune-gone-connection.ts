import * as Connection from "../connection/connection";
import type { Db } from "../db/create-db";
import type { Member } from "../protocol/shapes";
import { broadcastToRoom } from "./broadcast-to-room";
import type { BroadcastResult } from "./connection-sender";
import type { DeliveryOptions } from "./delivery-options";

export interface PruneGoneConnectionOptions extends DeliveryOptions {
  connectionId: string;
}

/**
 * Deletes a connection known to be gone (or leaving: `$disconnect`) and, only if this call deleted it, tells
 * the room with `memberLeft`.
 * Safe to race: the removal is atomic, so a member is announced once however many callers meet it.
 * (broadcastToRoom prunes on its own and batches its announcements over the listing it already holds.)
 */
export async function pruneGoneConnection(
  db: Db,
  { connectionId, ...delivery }: PruneGoneConnectionOptions,
): Promise<{ roomId: string | null; member: Member | null; announcement: BroadcastResult | null }> {
  const removed = await Connection.remove(db, { connectionId });
  if (!removed) return { roomId: null, member: null, announcement: null };
  const member = Connection.toMember(removed);
  const announcement = await broadcastToRoom(db, {
    ...delivery,
    roomId: removed.roomId,
    frame: { type: "memberLeft", member },
  });
  return { roomId: removed.roomId, member, announcement };
}
