import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import { listRoomConnections } from "../broadcast/connection-list-cache";
import { Connection } from "../connection";
import { defaultLimits } from "../limits";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * `typing`: the others in the room get `{"type":"typing","member"}`. Nothing is stored but the connection's
 * `typingAt`: at most one per TYPING_INTERVAL_MS per connection goes out, the rest are dropped silently, and
 * rooms past the presence-detail limit get none.
 */
export function forwardTyping({
  db,
  delivery,
  connectionId,
  limits = defaultLimits,
  caller,
}: RealtimeDeps): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async (connection) => {
    const { roomId } = connection;
    if (!(await Connection.claimTyping(db, { connection }))) return { roomId };
    // An ephemeral frame: the container's cached list may serve it (broadcast/connection-list-cache.ts).
    const listing = await listRoomConnections(db, { roomId, cache: delivery.listingCache });
    if (listing.length > limits.presenceDetailLimit) return { roomId };
    const frame = { type: "typing", member: Connection.toMember(connection) } as const;
    return {
      roomId,
      broadcast: await broadcastToRoom(db, { ...delivery, roomId, listing, except: [connectionId], frame }),
    };
  });
}
