import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import { sendToConnection } from "../broadcast/send-to-connection";
import type { ServerFrame } from "../protocol/frames";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Delivers what an idempotent create (a message, a todo with a client id) returned, once it is stored. The
 * sender's copy and the room's fan-out go out at the same time (the sender's is not waited for first: the item
 * is durable already, and each is one more round trip for the other). The rest of the room gets it only when
 * this call created the item: a repeat stored nothing new, so only the sender (who is retrying) needs the answer.
 */
export async function deliverCreated({
  db,
  delivery,
  connectionId,
  roomId,
  frame,
  created,
}: RealtimeDeps & { roomId: string; frame: ServerFrame; created: boolean }): Promise<RealtimeOutcome> {
  const [reply, broadcast] = await Promise.all([
    sendToConnection(db, { ...delivery, connectionId, frame }),
    created ? broadcastToRoom(db, { ...delivery, roomId, frame, alreadySent: [connectionId] }) : undefined,
  ]);
  return { roomId, reply, ...(broadcast && { broadcast }) };
}
