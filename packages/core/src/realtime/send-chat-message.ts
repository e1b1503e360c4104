import { broadcastToRoom, sendToConnection } from "../broadcast";
import { Message } from "../message";
import type { ClientFrameOf } from "../protocol";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Stores a chat message in the sender's room, authored by the sender's user (id and display name), and fans it out.
 * A repeated clientMessageId stores nothing: the sender alone gets the stored message back.
 */
export function sendChatMessage({
  db,
  delivery,
  connectionId,
  frame: { text, clientMessageId },
}: RealtimeDeps & { frame: ClientFrameOf<"sendMessage"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId }, async ({ roomId, userId, name }) => {
    const { message, created } = await Message.send(db, { roomId, authorId: userId, author: name, text, clientMessageId });
    const frame = { type: "message", message } as const;
    if (!created) return { roomId, reply: await sendToConnection(db, { ...delivery, connectionId, frame }) };
    return { roomId, broadcast: await broadcastToRoom(db, { ...delivery, roomId, frame }) };
  });
}
