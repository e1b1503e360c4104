import { Message } from "../message";
import type { ClientFrameOf } from "../protocol";
import { deliverCreated } from "./deliver-created";
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
  limits,
  frame: { text, clientMessageId, mentions },
}: RealtimeDeps & { frame: ClientFrameOf<"sendMessage"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits }, async ({ roomId, userId, name }) => {
    const { message, created } = await Message.send(db, {
      roomId,
      authorId: userId,
      author: name,
      text,
      clientMessageId,
      mentions,
    });
    return deliverCreated({
      db,
      delivery,
      connectionId,
      roomId,
      // No reactions on a new message. A repeat gets the stored one as `reactions: []` too: its reactions, if
      // any came meanwhile, reached the sender in `reactions` frames.
      frame: { type: "message", message: { ...message, reactions: message.reactions ?? [] } },
      created,
    });
  });
}
