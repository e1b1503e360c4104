import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import { listRoomConnections } from "../broadcast/connection-list-cache";
import { defaultLimits } from "../limits";
import { Membership } from "../membership";
import type { ClientFrameOf } from "../protocol";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * `markRead {seq}`: moves the sender's read position forward (never back; a seq the room does not have yet is
 * refused). When it moved, in rooms up to the presence-detail limit, the other members get `{"type":"read"}`.
 * Coalescing: a position that does not move sends nothing, and clients send one markRead per visible batch.
 */
export function markRead({
  db,
  delivery,
  connectionId,
  limits = defaultLimits,
  caller,
  frame,
}: RealtimeDeps & { frame: ClientFrameOf<"markRead"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId, userId }) => {
    const moved = await Membership.markRead(db, { roomId, userId, seq: frame.seq });
    if (!moved) return { roomId };
    // An ephemeral frame: the container's cached list may serve it (broadcast/connection-list-cache.ts).
    const listing = await listRoomConnections(db, { roomId, cache: delivery.listingCache });
    if (listing.length > limits.presenceDetailLimit) return { roomId };
    const except = listing.filter((c) => c.userId === userId).map((c) => c.connectionId);
    return {
      roomId,
      broadcast: await broadcastToRoom(db, {
        ...delivery,
        roomId,
        listing,
        except,
        frame: { type: "read", userId, seq: frame.seq },
      }),
    };
  });
}
