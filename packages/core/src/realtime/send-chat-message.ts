import { warmRoomListing } from "../broadcast/connection-list-cache";
import { Message } from "../message";
import type { ClientFrameOf } from "../protocol";
import { deliverCreated } from "./deliver-created";
import { forAdmittedFrame } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Stores a chat message in the sender's room with the next `seq`, authored by the sender's user (id and
 * display name), then delivers it to the sender and everyone else at once. A repeated clientMessageId stores
 * nothing: the sender alone gets the stored message.
 *
 * Round trips before the first post: one of reads, then the transaction. The room and user come from the
 * authorizer's context (`caller`), so the frame token (connection Get and rate bucket), the room's `lastSeq`
 * and the broadcast's connection list (into the container's cache) are read side by side; only then is the
 * frame checked and, if admitted, written (forAdmittedFrame). Measured in bench/suites/latency.ts.
 */
export function sendChatMessage({
  db,
  delivery,
  connectionId,
  limits,
  caller,
  frame: { text, clientMessageId, mentions },
}: RealtimeDeps & { frame: ClientFrameOf<"sendMessage"> }): Promise<RealtimeOutcome> {
  return forAdmittedFrame(
    { db, connectionId, limits, caller },
    async ({ roomId }) => {
      const [lastSeq] = await Promise.all([
        Message.readLastSeq(db, { roomId }),
        warmRoomListing(db, { roomId, frameType: "message", cache: delivery.listingCache }),
      ]);
      return lastSeq;
    },
    async (_connection, { roomId, userId, name }, lastSeq) => {
      const { message, created } = await Message.send(
        db,
        { roomId, authorId: userId, author: name, text, clientMessageId, mentions },
        { lastSeq },
      );
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
    },
  );
}
