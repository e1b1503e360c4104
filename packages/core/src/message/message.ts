import { z } from "zod";
import type { Db } from "../db/create-db";
import { NotFoundError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema, newId } from "../ids/ids";
import * as Membership from "../membership/membership";
import type { Message, User } from "../protocol/shapes";
import { limitSchema } from "../room/room";
import type { MessageItem } from "./message.entity";

export const text = z.string().min(1).max(4000).refine((t) => t.trim().length > 0, "must not be blank");
export const clientMessageId = z.string().min(1).max(64);
/** Fields a client sends; the room and author come from its connection record. */
export const sendFields = z.object({ text, clientMessageId });
export const sendInput = sendFields.extend({ roomId: idSchema, authorId: z.string().min(1), author: z.string().min(1) });
export const historyInput = z.object({ roomId: idSchema, limit: limitSchema, before: idSchema.optional() });
export const afterInput = z.object({ roomId: idSchema, after: idSchema, limit: limitSchema });

export const toMessage = ({ messageId, roomId, clientMessageId, authorId, author, text, sentAt }: MessageItem): Message => ({
  messageId,
  roomId,
  clientMessageId,
  authorId,
  author,
  text,
  sentAt,
});

/**
 * Stores a message exactly once per (author, room, clientMessageId): the client id is claimed in the same
 * transaction as the message. A repeat returns the stored message with `created: false`.
 */
export async function send(db: Db, input: z.input<typeof sendInput>, now = new Date()) {
  const { roomId, authorId, author, text, clientMessageId } = parseInput(sendInput, input);
  const message: Message = { messageId: newId(now.getTime()), roomId, clientMessageId, authorId, author, text, sentAt: now.toISOString() };
  const { canceled } = await db.transaction
    .write(({ message: messages, claim }) => [
      claim.create({ roomId, scope: "message", userId: authorId, clientId: clientMessageId, targetId: message.messageId }).commit(),
      messages.create(message).commit(),
    ])
    .go();
  if (!canceled) return { message, created: true };
  return { message: await getByClientId(db, { roomId, authorId, clientMessageId }), created: false };
}

/** Finds the message one author's client id was claimed for. */
export async function getByClientId(db: Db, { roomId, authorId, clientMessageId }: { roomId: string; authorId: string; clientMessageId: string }) {
  const { data: claim } = await db.entities.claim
    .get({ roomId, scope: "message", userId: authorId, clientId: clientMessageId })
    .go({ consistent: true });
  const { data } = claim ? await db.entities.message.get({ roomId, messageId: claim.targetId }).go({ consistent: true }) : { data: null };
  if (!data) throw new NotFoundError(`No message with client id ${clientMessageId}`);
  return toMessage(data);
}

/**
 * One page of history ending at the newest message (or just before `before`), oldest to newest.
 * `cursor` is the oldest id on the page when older messages exist, else null.
 */
export async function history(db: Db, input: z.input<typeof historyInput>) {
  const { roomId, limit, before } = parseInput(historyInput, input);
  const query = db.entities.message.query.byRoom({ roomId });
  const { data } = await (before ? query.lt({ messageId: before }) : query).go({ order: "desc", limit: limit + 1 });
  const messages = data.slice(0, limit).reverse().map(toMessage);
  return { messages, cursor: data.length > limit ? (messages[0]?.messageId ?? null) : null };
}

/** Messages stored after `after` (catch-up after a reconnect), oldest to newest, at most `limit`. */
export async function after(db: Db, input: z.input<typeof afterInput>) {
  const { roomId, after, limit } = parseInput(afterInput, input);
  const { data } = await db.entities.message.query.byRoom({ roomId }).gt({ messageId: after }).go({ order: "asc", limit: limit + 1 });
  return { messages: data.slice(0, limit).map(toMessage), hasMore: data.length > limit };
}

/**
 * `history` for a caller who may read the room: an unknown room, or a private one they are not in, is a
 * NotFoundError, not an empty page. The access check and the page are read in parallel (one round trip).
 */
export async function roomHistory(db: Db, { input, caller }: { input: z.input<typeof historyInput>; caller: User }) {
  const { roomId } = parseInput(historyInput, input);
  const [, page] = await Promise.all([Membership.access(db, { roomId, userId: caller.userId }), history(db, input)]);
  return page;
}
