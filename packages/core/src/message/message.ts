import { setTimeout as sleep } from "node:timers/promises";
import * as z from "zod/mini";
import "../errors/english-messages";
import { fullJitterDelayMs } from "../broadcast/full-jitter-backoff";
import { Claim } from "../claim";
import type { Db } from "../db/create-db";
import { failedConditions, isRetryableCancellation } from "../db/transaction-outcome";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { userIdSchema } from "../identity/user-id";
import { idSchema, newId } from "../ids/ids";
import * as Membership from "../membership/membership";
import type { Message, User } from "../protocol/shapes";
import type { TokenInTransaction } from "../rate-limit/rate-limit";
import * as Reaction from "../reaction/reaction";
import { limitSchema } from "../room/room";
import { messageText } from "../text/free-text";
import type { MessageItem } from "./message.entity";

/** 1..4000 code points; controls (but line feed and tab), text-direction characters, blank text refused. */
export const text = messageText;
export const clientMessageId = z.string().check(z.minLength(1), z.maxLength(64));
export const seqSchema = z.coerce.number().check(z.int(), z.gte(1), z.lte(Number.MAX_SAFE_INTEGER));
/** Fields a client sends; the room and author come from its connection record. */
export const sendFields = z.object({
  text,
  clientMessageId,
  mentions: z.optional(z.array(userIdSchema).check(z.maxLength(20))),
});
export const sendInput = z.extend(sendFields, {
  roomId: idSchema,
  authorId: z.string().check(z.minLength(1)),
  author: z.string().check(z.minLength(1)),
});
export const historyInput = z.object({ roomId: idSchema, limit: limitSchema, before: z.optional(seqSchema) });
export const afterInput = z.object({
  roomId: idSchema,
  afterSeq: z.number().check(z.int(), z.gte(0)),
  limit: limitSchema,
});

/**
 * A sender racing others for the next `seq` keeps trying for this long before the send fails (503-class
 * `internal`, nothing stored; the client may resend). Each lost race means another message was stored, so the
 * room as a whole always progresses; the budget (under the handler's 15 s timeout) only bounds one sender's
 * wait in a very busy room.
 */
const SEND_BUDGET_MS = 12_000;
/** Losers wait a moment before trying again, less the more often they lost: older sends get ahead of newer ones. */
const lostRaceDelayMs = (lost: number) => Math.random() * Math.max(0, 16 - lost);

export const toMessage = ({
  messageId,
  roomId,
  seq,
  clientMessageId,
  authorId,
  author,
  text,
  mentions,
  sentAt,
  editedAt,
  deletedAt,
}: MessageItem): Message => ({
  messageId,
  roomId,
  seq,
  clientMessageId,
  authorId,
  author,
  text,
  mentions: mentions ?? [],
  sentAt,
  ...(editedAt && { editedAt }),
  ...(deletedAt && { deletedAt }),
});

/** Thrown when contention or throttling outlasts the retries: nothing was stored; the client may resend. */
export class SendContendedError extends Error {
  constructor(attempts: number) {
    super(`sendMessage gave up after ${attempts} attempts (transaction conflicts or throttling)`);
    this.name = "SendContendedError";
  }
}

/** The room's `lastSeq` (a strongly consistent GetItem): what the next `send` builds on. Unknown room: NotFoundError. */
export async function readLastSeq(db: Db, { roomId }: { roomId: string }): Promise<number> {
  const { data } = await db.entities.room.get({ roomId }).go({ consistent: true });
  if (!data) throw new NotFoundError(`Room ${roomId} does not exist`);
  return data.lastSeq;
}

/**
 * Stores a message with the room's next `seq`, exactly once per (author, room, clientMessageId). One
 * TransactWriteItems holds everything, so a Lambda dying at any point leaves either all of it or none:
 * 0. the room's counter moves from `seq - 1` to `seq` (conditional: a concurrent sender who got there first
 *    makes this one re-read the counter and try the next number; no gap, no repeat),
 * 1. the client id is claimed for this author (conditional: a repeat returns the stored message),
 * 2. the message is put under its `seq`,
 * 3. the author's read position moves to `seq` (their own message is never unread; also proves membership),
 * 4+. each mentioned member's membership gets the `seq` as an unread mention (also proves they are members),
 * last. `frameToken`'s rate bucket (rate-limit's TokenInTransaction): the frame is counted by the same
 *    transaction, so a frame refused `rate_limited` writes nothing at all. Only in the first attempt: a send
 *    that must try again (a lost race, a conflict) counts its frame by the bucket's own write, beside its wait,
 *    and retries without it, so a contended room's retries stay the four-item transaction.
 * `lastSeq`: the room's counter as the caller knows it (read beside its other reads, or a container's guess,
 * see LastSeqMemory); otherwise it is read here first. A stale value costs one lost race, never a wrong `seq`.
 * `lostRaces` counts attempts that lost the counter to another sender.
 */
export async function send(
  db: Db,
  input: z.input<typeof sendInput>,
  {
    now = new Date(),
    lastSeq: known,
    frameToken,
  }: { now?: Date; lastSeq?: number; frameToken?: TokenInTransaction } = {},
) {
  const { roomId, authorId, author, text, clientMessageId, mentions = [] } = parseInput(sendInput, input);
  const mentioned = [...new Set(mentions)].filter((userId) => userId !== authorId);
  const messageId = newId(now.getTime());
  let lastSeq = known ?? (await readLastSeq(db, { roomId }));
  const deadline = Date.now() + SEND_BUDGET_MS;
  const tokenIndex = 4 + mentioned.length;
  // The frame's token rides in the first attempt. Every other way out counts the frame by the bucket's own write:
  // a wait before another attempt (beside it, so the retries of a contended room are the smaller transaction),
  // and, in `finally`, any answer given without a committed transaction (a repeat, a refusal, giving up).
  let token = frameToken;
  const waitCounted = async (delayMs: number) => {
    const uncounted = token;
    token = undefined;
    await Promise.all([sleep(delayMs), uncounted?.takeAlone(db)]);
  };
  let attempt = 0;
  let lostRaces = 0;
  try {
    for (; Date.now() < deadline; attempt++) {
      const seq = lastSeq + 1;
      const message: Message = {
        messageId,
        roomId,
        seq,
        clientMessageId,
        authorId,
        author,
        text,
        mentions: [...new Set(mentions)],
        sentAt: now.toISOString(),
      };
      const { canceled, data } = await db.transaction
        .write(({ room: rooms, claim, message: messages, membership, rateBucket }) => [
          rooms
            .patch({ roomId })
            .set({ lastSeq: seq, lastMessageAt: message.sentAt })
            .where((attr, { eq }) => eq(attr.lastSeq, seq - 1))
            // A lost race hands back the room as it is now: the next attempt needs no extra read.
            .commit({ response: "all_old" }),
          claim
            .create({
              roomId,
              scope: "message",
              userId: authorId,
              clientId: clientMessageId,
              targetId: messageId,
              targetSeq: seq,
            })
            .commit(),
          messages.create(message).commit(),
          membership.patch({ roomId, userId: authorId }).set({ readSeq: seq }).commit(),
          ...mentioned.map((userId) =>
            membership
              .patch({ roomId, userId })
              .append({ mentionSeqs: [seq] })
              .commit(),
          ),
          ...(token ? [token.item(rateBucket)] : []),
        ])
        .go();
      if (!canceled) {
        token = undefined; // counted by this transaction
        return { message, created: true, lostRaces };
      }
      const failed = failedConditions(data);
      if (token && failed.includes(tokenIndex)) {
        // Counted first, as a frame is: an empty bucket refuses the frame whatever else held (nothing written).
        const refusal = token.refused(data[tokenIndex]?.item as { tat?: number } | null | undefined);
        if (refusal) {
          token = undefined;
          throw refusal;
        }
        if (failed.length === 1) continue;
      }
      if (failed.includes(1))
        return {
          message: await getByClientId(db, { roomId, authorId, clientMessageId }),
          created: false,
          lostRaces,
        };
      if (failed.includes(3)) throw new ForbiddenError("You are no longer a member of this room");
      if (failed.some((index) => index >= 4 && index < tokenIndex)) {
        throw new ValidationError(
          "Invalid sendMessage frame: mentions: every mentioned user must be a member of the room",
          [{ path: ["mentions"], message: "must be members of the room" }],
        );
      }
      if (failed.includes(0)) {
        lostRaces++;
        // Another sender took `seq`: take the next one (the counter just moved, so it is free now).
        const current = (data[0]?.item as { lastSeq?: number } | null | undefined)?.lastSeq;
        lastSeq = current ?? (await readLastSeq(db, { roomId }));
        await waitCounted(lostRaceDelayMs(attempt));
        continue;
      }
      if (!isRetryableCancellation(data))
        throw new Error(`sendMessage cancelled: ${JSON.stringify(data.map((d) => d.code))}`);
      // DynamoDB asked us to back off (throttling, conflicts): wait, jittered, and try again. The cap is high (1 s)
      // because conflicts come from many senders hitting the room item at once; short waits keep them colliding.
      await waitCounted(fullJitterDelayMs(attempt, { baseDelayMs: 20, maxDelayMs: 1_000 }));
    }
    throw new SendContendedError(attempt);
  } finally {
    await token?.takeAlone(db);
  }
}

/** Finds the message one author's client id was claimed for. */
export async function getByClientId(
  db: Db,
  { roomId, authorId, clientMessageId }: { roomId: string; authorId: string; clientMessageId: string },
) {
  const claim = await Claim.find(db, {
    roomId,
    scope: "message",
    userId: authorId,
    clientId: clientMessageId,
  });
  const seq = claim?.targetSeq;
  const { data } =
    seq !== undefined
      ? await db.entities.message.get({ roomId, seq }).go({ consistent: true })
      : { data: null };
  if (!data) throw new NotFoundError(`No message with client id ${clientMessageId}`);
  return toMessage(data);
}

/**
 * One page of history ending at the newest message (or just before `before`, a seq), oldest to newest.
 * `cursor` is the oldest seq on the page when older messages exist, else null.
 */
export async function history(db: Db, input: z.input<typeof historyInput>) {
  const { items, cursor } = await historyItems(db, input);
  return { messages: items.map(toMessage), cursor };
}

/** `history` as stored items (what reactions are read for: reaction/reaction.ts). */
export async function historyItems(db: Db, input: z.input<typeof historyInput>) {
  const { roomId, limit, before } = parseInput(historyInput, input);
  const query = db.entities.message.query.byRoom({ roomId });
  const { data } = await (before ? query.lt({ seq: before }) : query).go({ order: "desc", limit: limit + 1 });
  const items = data.slice(0, limit).reverse();
  return { items, cursor: data.length > limit ? (items[0]?.seq ?? null) : null };
}

/** Messages with `seq > afterSeq` (catch-up after a reconnect or a gap), oldest to newest, at most `limit`. */
export async function after(db: Db, input: z.input<typeof afterInput>) {
  const { items, hasMore } = await afterItems(db, input);
  return { messages: items.map(toMessage), hasMore };
}

/** `after` as stored items. */
export async function afterItems(db: Db, input: z.input<typeof afterInput>) {
  const { roomId, afterSeq, limit } = parseInput(afterInput, input);
  const { data } = await db.entities.message.query
    .byRoom({ roomId })
    .gt({ seq: afterSeq })
    .go({ order: "asc", limit: limit + 1 });
  return { items: data.slice(0, limit), hasMore: data.length > limit };
}

/** Items as clients get them: each with its current `reactions` (`mine` for `reader`), read in one go. */
export async function withReactions(
  db: Db,
  { roomId, items, reader }: { roomId: string; items: readonly MessageItem[]; reader?: string },
): Promise<Message[]> {
  const reactions = await Reaction.forItems(db, { roomId, items, reader });
  return items.map((item) => ({ ...toMessage(item), reactions: reactions.get(item.seq) ?? [] }));
}

/**
 * `history` for a caller who may read the room: an unknown room, or a private one they are not in, is a
 * NotFoundError, not an empty page. The access check and the page are read in parallel (one round trip), then
 * the page's reactions, with `mine` for the caller.
 */
export async function roomHistory(
  db: Db,
  { input, caller }: { input: z.input<typeof historyInput>; caller: User },
) {
  const { roomId } = parseInput(historyInput, input);
  const [, { items, cursor }] = await Promise.all([
    Membership.access(db, { roomId, userId: caller.userId }),
    historyItems(db, input),
  ]);
  return { messages: await withReactions(db, { roomId, items, reader: caller.userId }), cursor };
}
