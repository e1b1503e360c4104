import * as z from "zod/mini";
import "../errors/english-messages";
import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { LOST, RETRY, retryTransaction } from "../db/retry-transaction";
import { failedConditions, isRetryableCancellation } from "../db/transaction-outcome";
import { ForbiddenError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema } from "../ids/ids";
import * as Membership from "../membership/membership";
import type { Message } from "../protocol/shapes";
import { messageText } from "../text/free-text";
import { findById, messageGone } from "./find-by-id";
import { toMessage, withReactions } from "./message";

/**
 * Edits and deletions of stored messages. Neither takes a new `seq`: they change the message at its own. Both
 * answer NotFoundError for a message that is not in the caller's room, or (edits) one already deleted.
 */

/** Fields a client sends (`editMessage`); the same text rules as sendMessage. */
export const editFields = z.object({ messageId: idSchema, text: messageText });
/** Fields a client sends (`deleteMessage`). */
export const deleteFields = z.object({ messageId: idSchema });
const actor = { roomId: idSchema, userId: z.string().check(z.minLength(1)) };
export const editInput = z.extend(editFields, actor);
export const deleteInput = z.extend(deleteFields, actor);

/**
 * The author replaces the text (ForbiddenError for anyone else) and `editedAt` is set; mentions stay as sent
 * (they were notified then). The same text again changes nothing (`changed: false`). One UpdateItem,
 * conditional on the author and on the message not being deleted meanwhile. Returns the message as it is now,
 * with its reactions (without `mine`: it goes to the whole room).
 */
export async function edit(
  db: Db,
  input: z.input<typeof editInput>,
  now = new Date(),
): Promise<{ message: Message; changed: boolean }> {
  const { roomId, userId, messageId, text } = parseInput(editInput, input, "editMessage frame");
  const stored = await findById(db, { roomId, messageId, consistent: true });
  if (stored.authorId !== userId) throw new ForbiddenError("Only its author may edit a message");
  if (stored.deletedAt) throw messageGone(messageId, true);
  if (stored.text === text) return { message: await asSent(db, stored), changed: false };
  try {
    const { data } = await db.entities.message
      .patch({ roomId, seq: stored.seq })
      .set({ text, editedAt: now.toISOString() })
      .where(
        ({ authorId, deletedAt }, { eq, notExists }) => `${eq(authorId, userId)} AND ${notExists(deletedAt)}`,
      )
      .go({ response: "all_new" });
    return { message: await asSent(db, { ...stored, ...data }), changed: true };
  } catch (error) {
    // The author never changes: a false condition means it was deleted since the read.
    if (isConditionFailure(error)) throw messageGone(messageId, true);
    throw error;
  }
}

/**
 * The author, or the room's owner, deletes a message: it stays at its `seq` as a tombstone (`text` "",
 * `deletedAt`; mentions, edit time and emojis removed, so its reactions are no longer shown anywhere), and it
 * stops counting as an unread mention for the members it mentioned. ForbiddenError for anyone else. Deleting a
 * tombstone again changes nothing (`changed: false`).
 * One transaction: the message (if not deleted meanwhile) and the membership of each mentioned member whose
 * unread mentions still hold its `seq` (read just before; the write is conditional on the list as read, so a
 * markRead or a new mention in between makes it read again and retry). The reaction items are left to
 * `Reaction.removeOfMessage`, which the deleteMessage flow runs after announcing the deletion.
 */
export async function remove(db: Db, input: z.input<typeof deleteInput>, now = new Date()) {
  const { roomId, userId, messageId } = parseInput(deleteInput, input, "deleteMessage frame");
  const stored = await findById(db, { roomId, messageId, consistent: true });
  if (stored.authorId !== userId) {
    const membership = await Membership.get(db, { roomId, userId });
    if (membership?.role !== "owner")
      throw new ForbiddenError("Only its author or the room's owner may delete a message");
  }
  const { seq } = stored;
  const deleted = { messageId, seq };
  if (stored.deletedAt) return { ...deleted, changed: false };
  const mentioned = stored.mentions.filter((mentionedId) => mentionedId !== stored.authorId);
  const changed = await retryTransaction({ operation: "deleteMessage" }, async () => {
    const unread = await membershipsMentionedAt(db, { roomId, userIds: mentioned, seq });
    const { canceled, data } = await db.transaction
      .write(({ message, membership }) => [
        message
          .patch({ roomId, seq })
          .set({ text: "", mentions: [], deletedAt: now.toISOString() })
          .remove(["editedAt", "reactionEmojis"])
          .where(({ deletedAt }, { notExists }) => notExists(deletedAt))
          .commit(),
        ...unread.map(({ userId: memberId, mentionSeqs }) =>
          membership
            .patch({ roomId, userId: memberId })
            .set({ mentionSeqs: mentionSeqs.filter((mention) => mention !== seq) })
            .where((attr, { eq }) => eq(attr.mentionSeqs, mentionSeqs))
            .commit(),
        ),
      ])
      .go();
    if (!canceled) return true;
    const failed = failedConditions(data);
    // Deleted by someone else a moment ago (their transaction cleared the mentions): the same outcome.
    if (failed.includes(0)) return false;
    // A mentioned member read, was mentioned again, or left since the read: read them again.
    if (failed.length) return LOST;
    if (isRetryableCancellation(data)) return RETRY;
    throw new Error(`deleteMessage cancelled: ${JSON.stringify(data.map((reason) => reason.code))}`);
  });
  return { ...deleted, changed };
}

/** The memberships (consistent Gets, at once) of those of `userIds` whose unread mentions hold `seq`. */
async function membershipsMentionedAt(
  db: Db,
  { roomId, userIds, seq }: { roomId: string; userIds: readonly string[]; seq: number },
) {
  const memberships = await Promise.all(userIds.map((userId) => Membership.get(db, { roomId, userId })));
  return memberships.flatMap((membership) =>
    membership?.mentionSeqs?.includes(seq)
      ? [{ userId: membership.userId, mentionSeqs: membership.mentionSeqs }]
      : [],
  );
}

/** One stored message as the room is sent it: current text and reactions, no `mine`. */
async function asSent(db: Db, item: Parameters<typeof toMessage>[0]): Promise<Message> {
  const [message] = await withReactions(db, { roomId: item.roomId, items: [item] });
  return message ?? toMessage(item);
}
