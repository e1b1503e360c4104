import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import { sendToConnection } from "../broadcast/send-to-connection";
import { Message } from "../message";
import type { ClientFrameOf } from "../protocol";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Stores a chat message in the sender's room with the next `seq`, authored by the sender's user (id and
 * display name). The sender gets it back as soon as it is stored, before the room's fan-out, so its UI confirms
 * fast; then everyone else. A repeated clientMessageId stores nothing: the sender alone gets the stored message.
 */
export function sendChatMessage({
  db,
  delivery,
  connectionId,
  frame: { text, clientMessageId, mentions },
}: RealtimeDeps & { frame: ClientFrameOf<"sendMessage"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId }, async ({ roomId, userId, name }) => {
    const { message, created } = await Message.send(db, {
      roomId,
      authorId: userId,
      author: name,
      text,
      clientMessageId,
      mentions,
    });
    const frame = { type: "message", message } as const;
    const reply = await sendToConnection(db, { ...delivery, connectionId, frame });
    if (!created) return { roomId, reply };
    return {
      roomId,
      reply,
      broadcast: await broadcastToRoom(db, { ...delivery, roomId, frame, alreadySent: [connectionId] }),
    };
  });
}
