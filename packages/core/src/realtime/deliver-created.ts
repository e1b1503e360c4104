import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import { sendToConnection } from "../broadcast/send-to-connection";
import type { ServerFrame } from "../protocol/frames";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Delivers what an idempotent create (a message, a todo with a client id) returned. The sender gets the frame at
 * once, before the fan-out, so its UI confirms fast. The rest of the room gets it only when this call created
 * the item: a repeat stored nothing new, so only the sender (who is retrying) needs the answer.
 */
export async function deliverCreated({
  db,
  delivery,
  connectionId,
  roomId,
  frame,
  created,
}: RealtimeDeps & { roomId: string; frame: ServerFrame; created: boolean }): Promise<RealtimeOutcome> {
  const reply = await sendToConnection(db, { ...delivery, connectionId, frame });
  if (!created) return { roomId, reply };
  return {
    roomId,
    reply,
    broadcast: await broadcastToRoom(db, { ...delivery, roomId, frame, alreadySent: [connectionId] }),
  };
}
