import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import type { BroadcastResult } from "../broadcast/connection-sender";
import { sendToConnection } from "../broadcast/send-to-connection";
import { Connection } from "../connection";
import { defaultLimits } from "../limits/limits";
import { MessageEdits } from "../message";
import type { ClientFrameOf, ServerFrame } from "../protocol";
import { Reaction } from "../reaction";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Changes to stored messages from a connection, in its own room: each goes to the whole room, the sender
 * included, with one post per live connection (as a message does). A frame that changes nothing (the same text,
 * a message already deleted, a reaction already in that state) stores nothing and answers the sender alone.
 * Refusals (forbidden, not_found, limit_reached) are DomainErrors: the ws-error-frame middleware answers them.
 */

/** `editMessage`: the author's new text; the room gets `messageUpdated`. */
export function editMessage({
  db,
  delivery,
  connectionId,
  limits,
  caller,
  frame: { messageId, text },
}: RealtimeDeps & { frame: ClientFrameOf<"editMessage"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId, userId }) => {
    const { message, changed } = await MessageEdits.edit(db, { roomId, userId, messageId, text });
    return announce({ db, delivery, connectionId }, roomId, { type: "messageUpdated", message }, changed);
  });
}

/**
 * `deleteMessage`: by the author or the room's owner; the room gets `messageDeleted`. Then the message's
 * reaction items are removed, after the posts (a reader never sees a tombstone's reactions, so nobody waits for
 * it); again on a repeated delete, which finishes what a Lambda that died midway left. A failure there is
 * logged, never answered: the deletion itself is done.
 */
export function deleteMessage({
  db,
  delivery,
  connectionId,
  limits,
  caller,
  frame: { messageId },
}: RealtimeDeps & { frame: ClientFrameOf<"deleteMessage"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId, userId }) => {
    const { seq, changed } = await MessageEdits.remove(db, { roomId, userId, messageId });
    const outcome = await announce(
      { db, delivery, connectionId },
      roomId,
      { type: "messageDeleted", messageId, seq },
      changed,
    );
    await Reaction.removeOfMessage(db, { roomId, seq }).catch((error: unknown) =>
      delivery.log?.({
        event: "cleanup_failed",
        roomId,
        frameType: "messageDeleted",
        reason: error instanceof Error ? error.message : String(error),
      }),
    );
    return outcome;
  });
}

/**
 * `react`: toggles the sender's reaction. The reacting user's connections in the room get the reactions with
 * `mine`; everyone else gets them without (their own did not change): one post per live connection in all.
 */
export function react({
  db,
  delivery,
  connectionId,
  limits = defaultLimits,
  caller,
  frame: { messageId, emoji, on },
}: RealtimeDeps & { frame: ClientFrameOf<"react"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId, userId }) => {
    const { reactions, changed } = await Reaction.toggle(
      db,
      { roomId, userId, messageId, emoji, on },
      { maxEmojis: limits.reactionsPerMessage },
    );
    const mine: ServerFrame = { type: "reactions", messageId, reactions };
    if (!changed)
      return { roomId, reply: await sendToConnection(db, { ...delivery, connectionId, frame: mine }) };
    const own = new Set([
      connectionId,
      ...(await Connection.listOfUser(db, { roomId, userId })).map((c) => c.connectionId),
    ]);
    const reply: BroadcastResult = { delivered: 0, pruned: 0, failed: 0, retried: 0 };
    for (const sent of await Promise.all(
      [...own].map((id) => sendToConnection(db, { ...delivery, connectionId: id, frame: mine })),
    )) {
      reply.delivered += sent.delivered;
      reply.pruned += sent.pruned;
      reply.failed += sent.failed;
      reply.retried += sent.retried;
    }
    const others: ServerFrame = {
      type: "reactions",
      messageId,
      reactions: reactions.map(({ emoji, count }) => ({ emoji, count })),
    };
    const broadcast = await broadcastToRoom(db, { ...delivery, roomId, frame: others, alreadySent: own });
    return { roomId, reply, broadcast };
  });
}

/** To the whole room when something changed; otherwise (a repeat) to the sender alone. */
async function announce(
  { db, delivery, connectionId }: Omit<RealtimeDeps, "limits">,
  roomId: string,
  frame: ServerFrame,
  changed: boolean,
): Promise<RealtimeOutcome> {
  if (!changed) return { roomId, reply: await sendToConnection(db, { ...delivery, connectionId, frame }) };
  return { roomId, broadcast: await broadcastToRoom(db, { ...delivery, roomId, frame }) };
}
