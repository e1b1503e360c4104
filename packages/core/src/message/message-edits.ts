import * as z from "zod/mini";
import "../errors/english-messages";
import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
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
 * `deletedAt`; mentions, edit time and emojis removed, so its reactions are no longer shown anywhere).
 * ForbiddenError for anyone else. Deleting a tombstone again changes nothing (`changed: false`).
 */
export async function remove(db: Db, input: z.input<typeof deleteInput>, now = new Date()) {
  const { roomId, userId, messageId } = parseInput(deleteInput, input, "deleteMessage frame");
  const stored = await findById(db, { roomId, messageId, consistent: true });
  if (stored.authorId !== userId) {
    const membership = await Membership.get(db, { roomId, userId });
    if (membership?.role !== "owner")
      throw new ForbiddenError("Only its author or the room's owner may delete a message");
  }
  const deleted = { messageId, seq: stored.seq };
  if (stored.deletedAt) return { ...deleted, changed: false };
  try {
    await db.entities.message
      .patch({ roomId, seq: stored.seq })
      .set({ text: "", mentions: [], deletedAt: now.toISOString() })
      .remove(["editedAt", "reactionEmojis"])
      .where(({ deletedAt }, { notExists }) => notExists(deletedAt))
      .go({ response: "none" });
    return { ...deleted, changed: true };
  } catch (error) {
    // Deleted by someone else a moment ago: the same outcome.
    if (isConditionFailure(error)) return { ...deleted, changed: false };
    throw error;
  }
}

/** One stored message as the room is sent it: current text and reactions, no `mine`. */
async function asSent(db: Db, item: Parameters<typeof toMessage>[0]): Promise<Message> {
  const [message] = await withReactions(db, { roomId: item.roomId, items: [item] });
  return message ?? toMessage(item);
}
