import * as z from "zod/mini";
import "../errors/english-messages";
import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { RETRY, retryTransaction } from "../db/retry-transaction";
import {
  type CancellationReason,
  failedConditions,
  isRetryableCancellation,
} from "../db/transaction-outcome";
import { LimitReachedError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema } from "../ids/ids";
import { defaultLimits } from "../limits/limits";
import { findById, messageGone } from "../message/find-by-id";
import type { MessageItem } from "../message/message.entity";
import type { Reaction } from "../protocol/shapes";
import { emojiSchema } from "./emoji";
import type { ReactionCountItem, ReactionItem } from "./reaction.entity";
import { REACTION_COUNT_SHARDS, shardOf } from "./shard";

/** Fields a client sends (`react`); the room and user come from its connection record. */
export const reactFields = z.object({ messageId: idSchema, emoji: emojiSchema, on: z.boolean() });
export const toggleInput = z.extend(reactFields, {
  roomId: idSchema,
  userId: z.string().check(z.minLength(1)),
});

/** Reactions over a range of a room's messages, by seq: counts per emoji, when they last changed, the reader's own. */
export interface ReactionRange {
  counts: Map<number, Map<string, number>>;
  /** The latest `changedAt` of any count item of the message (a reaction toggled then). */
  changedAt: Map<number, string>;
  /** The reader's own emojis per message (empty without a reader). */
  mine: Map<number, Set<string>>;
  /** Whether `mine` was read (a reader was given). */
  withMine: boolean;
}

/**
 * Reads the reactions of the messages with `fromSeq <= seq <= toSeq`: one Query of their count items and, with
 * a `reader`, one Query of the reader's reactions in the range (keyed by user, then seq), in parallel. Both
 * ranges hold only what exists: a message nobody reacted to costs nothing.
 */
export async function readRange(
  db: Db,
  {
    roomId,
    fromSeq,
    toSeq,
    reader,
    consistent = false,
  }: { roomId: string; fromSeq: number; toSeq: number; reader?: string; consistent?: boolean },
): Promise<ReactionRange> {
  const range: ReactionRange = {
    counts: new Map(),
    changedAt: new Map(),
    mine: new Map(),
    withMine: !!reader,
  };
  if (fromSeq > toSeq) return range;
  const inRange = ({ seq }: { seq: number }) => seq >= fromSeq && seq <= toSeq;
  const [counts, mine] = await Promise.all([
    db.entities.reactionCount.query
      .byMessage({ roomId })
      .between({ seq: fromSeq }, { seq: toSeq + 1 })
      .go({ pages: "all", consistent }),
    reader
      ? db.entities.reaction.query
          .byUser({ roomId, userId: reader })
          .between({ seq: fromSeq }, { seq: toSeq + 1 })
          .go({ pages: "all", consistent })
      : { data: [] },
  ]);
  for (const { seq, emoji, count, changedAt } of counts.data.filter(inRange)) {
    const perEmoji = range.counts.get(seq) ?? new Map<string, number>();
    perEmoji.set(emoji, (perEmoji.get(emoji) ?? 0) + count);
    range.counts.set(seq, perEmoji);
    if (changedAt > (range.changedAt.get(seq) ?? "")) range.changedAt.set(seq, changedAt);
  }
  for (const { seq, emoji } of mine.data.filter(inRange)) {
    range.mine.set(seq, (range.mine.get(seq) ?? new Set()).add(emoji));
  }
  return range;
}

/**
 * A message's reactions as clients see them: emojis with a count above 0, in order of first use, with `mine`
 * when the range was read for a reader. A tombstone has none.
 */
export function reactionsOf(
  { seq, deletedAt, reactionEmojis }: Pick<MessageItem, "seq" | "deletedAt" | "reactionEmojis">,
  range: ReactionRange,
): Reaction[] {
  if (deletedAt) return [];
  const counts = range.counts.get(seq) ?? new Map<string, number>();
  const mine = range.mine.get(seq);
  // Emojis in first-use order; any counted one the list lacks (none, as lists are written first) goes last.
  const order = [...new Set([...(reactionEmojis ?? []), ...counts.keys()])];
  return order.flatMap((emoji) => {
    const count = counts.get(emoji) ?? 0;
    if (count <= 0) return [];
    return [{ emoji, count, ...(range.withMine && { mine: mine?.has(emoji) ?? false }) }];
  });
}

/** `reactions` for each of a page of message items (any order), read in one `readRange` over the page's seqs. */
export async function forItems(
  db: Db,
  { roomId, items, reader }: { roomId: string; items: readonly MessageItem[]; reader?: string },
): Promise<Map<number, Reaction[]>> {
  const seqs = items.map((item) => item.seq);
  const range = await readRange(db, {
    roomId,
    fromSeq: Math.min(...seqs),
    toSeq: Math.max(...seqs),
    reader,
  });
  return new Map(items.map((item) => [item.seq, reactionsOf(item, range)]));
}

/**
 * Turns `on` (or off) the caller's reaction with one emoji on a message of their room, and returns the
 * message's reactions as they are now, with `mine` for the caller. Idempotent: a toggle to the state it is
 * already in writes nothing (`changed: false`). One TransactWriteItems holds the reaction item (created if
 * absent / deleted if present) and the +1 / -1 on the caller's count shard, so the counts always equal the
 * reactions stored. An emoji new to the message first takes one of its `maxEmojis` places (a conditional
 * UpdateItem of the message, at most that many times per message); past them: LimitReachedError. A deleted
 * message, or one not in the room: NotFoundError. A message deleted while the toggle was being written (after
 * it was read): the toggle takes back what it wrote and answers NotFoundError too, so nothing of it outlives the
 * deletion's cleanup (`removeOfMessage`), which may already have run.
 */
export async function toggle(
  db: Db,
  input: z.input<typeof toggleInput>,
  {
    maxEmojis = defaultLimits.reactionsPerMessage,
    shards = REACTION_COUNT_SHARDS,
    now = new Date(),
  }: { maxEmojis?: number; shards?: number; now?: Date } = {},
) {
  const { roomId, userId, messageId, emoji, on } = parseInput(toggleInput, input, "react frame");
  const message = await findById(db, { roomId, messageId });
  if (message.deletedAt) throw messageGone(messageId, true);
  const { seq } = message;
  if (on && !(message.reactionEmojis ?? []).includes(emoji))
    await takeEmojiPlace(db, { roomId, seq, messageId, emoji, maxEmojis });
  const key = { roomId, userId, seq, emoji };
  const shard = shardOf(userId, shards);
  const changed = await retryTransaction({ operation: "react" }, async () => {
    const { canceled, data } = await db.transaction
      .write(({ reaction, reactionCount }) => [
        on
          ? reaction.create({ ...key, messageId, shard, reactedAt: now.toISOString() }).commit()
          : reaction
              .delete(key)
              .where((attr, { exists }) => exists(attr.emoji))
              .commit(),
        reactionCount
          .update({ roomId, seq, emoji, shard })
          .add({ count: on ? 1 : -1 })
          .set({ changedAt: now.toISOString() })
          .commit(),
      ])
      .go();
    if (!canceled) return true;
    // Already on (or already off): nothing to do, nothing written.
    if (failedConditions(data).includes(0)) return false;
    if (isRetryableCancellation(data)) return RETRY;
    throw new Error(`react cancelled: ${JSON.stringify(data.map((reason) => reason.code))}`);
  });
  const [{ data: current }, range] = await Promise.all([
    db.entities.message.get({ roomId, seq }).go({ consistent: true }),
    readRange(db, { roomId, fromSeq: seq, toSeq: seq, reader: userId, consistent: true }),
  ]);
  if (!current || current.deletedAt) {
    if (changed) await takeBack(db, key);
    throw messageGone(messageId, true);
  }
  return { messageId, seq, changed, reactions: reactionsOf(current, range) };
}

/**
 * For a message deleted while this toggle was written: its own reaction item (which gsi1 may not list yet), then
 * everything `removeOfMessage` finds, its count among them.
 */
async function takeBack(db: Db, key: { roomId: string; userId: string; seq: number; emoji: string }) {
  await deleteAll(db, { reactions: [key], counts: [] });
  await removeOfMessage(db, { roomId: key.roomId, seq: key.seq });
}

/** At most this many deletions go in one transaction (DynamoDB's limit per TransactWriteItems is 100). */
const DELETIONS_PER_TRANSACTION = 100;

/**
 * Removes every reaction of a deleted message: its count items are read first (one consistent Query of at most
 * 20 emojis x the shards), then its reaction items are found on gsi1 under the message and each shard the counts
 * name (one Query per shard, paged) and deleted, then the counts. Each page is one TransactWriteItems of unconditional deletions (of at most 100 items), so a
 * page is gone entirely or not at all, and running it again (after a Lambda died midway, or for a repeated
 * deleteMessage) deletes what is left and nothing else. The counts go last: while any remain, they name the
 * shards whose index partitions still hold reactions, and none means none are left, so a message nobody reacted
 * to costs one Query. (A reaction stored a moment before the deletion may not be on gsi1 yet; it is then left,
 * as an item no read shows.) Readers already show a tombstone no reactions and toggles refuse it, so what is not
 * removed yet is never seen. Returns how many items it deleted.
 */
export async function removeOfMessage(
  db: Db,
  { roomId, seq, pageSize = DELETIONS_PER_TRANSACTION }: { roomId: string; seq: number; pageSize?: number },
): Promise<number> {
  const { data: found } = await db.entities.reactionCount.query
    .byMessage({ roomId, seq })
    .go({ pages: "all", consistent: true });
  const counts = found.filter((count) => count.seq === seq);
  if (!counts.length) return 0;
  // A reaction and the count it moves share a shard, so the counts name every shard that holds reactions.
  const shardsToRead = new Set(counts.map((c) => c.shard));
  const limit = Math.min(pageSize, DELETIONS_PER_TRANSACTION);
  // Every shard's pages run to their end before a failure is thrown, so none is left running behind it.
  const perShard = await Promise.allSettled(
    [...shardsToRead].map(async (shard) => {
      let deleted = 0;
      let cursor: string | null = null;
      do {
        const page: { data: ReactionItem[]; cursor: string | null } = await db.entities.reaction.query
          .byMessage({ roomId, seq, shard })
          .go({ cursor, limit });
        await deleteAll(db, { reactions: page.data, counts: [] });
        deleted += page.data.length;
        cursor = page.cursor;
      } while (cursor);
      return deleted;
    }),
  );
  const failed = perShard.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;
  const deleted = perShard.reduce(
    (sum, result) => sum + (result.status === "fulfilled" ? result.value : 0),
    0,
  );
  for (let i = 0; i < counts.length; i += DELETIONS_PER_TRANSACTION)
    await deleteAll(db, { reactions: [], counts: counts.slice(i, i + DELETIONS_PER_TRANSACTION) });
  return deleted + counts.length;
}

/** One TransactWriteItems deleting the given reaction and count items (at most 100 in all), retried on contention. */
async function deleteAll(
  db: Db,
  {
    reactions,
    counts,
  }: {
    reactions: Pick<ReactionItem, "roomId" | "userId" | "seq" | "emoji">[];
    counts: Pick<ReactionCountItem, "roomId" | "seq" | "emoji" | "shard">[];
  },
) {
  if (!reactions.length && !counts.length) return;
  await retryTransaction({ operation: "remove reactions" }, async () => {
    const { canceled, data } = await db.transaction
      .write(({ reaction, reactionCount }) => [
        ...reactions.map(({ roomId, userId, seq, emoji }) =>
          reaction.delete({ roomId, userId, seq, emoji }).commit(),
        ),
        ...counts.map(({ roomId, seq, emoji, shard }) =>
          reactionCount.delete({ roomId, seq, emoji, shard }).commit(),
        ),
      ])
      .go();
    if (!canceled) return true;
    // Typed per item by ElectroDB; two entities' deletions spread together lose that type.
    const reasons: readonly CancellationReason[] = data;
    if (isRetryableCancellation(reasons)) return RETRY;
    throw new Error(`remove reactions cancelled: ${JSON.stringify(reasons.map((reason) => reason.code))}`);
  });
}

/** Adds `emoji` to the message's emojis if it has fewer than `maxEmojis` and is not deleted. */
async function takeEmojiPlace(
  db: Db,
  {
    roomId,
    seq,
    messageId,
    emoji,
    maxEmojis,
  }: { roomId: string; seq: number; messageId: string; emoji: string; maxEmojis: number },
) {
  try {
    await db.entities.message
      .patch({ roomId, seq })
      .append({ reactionEmojis: [emoji] })
      .where(
        ({ deletedAt, reactionEmojis }, { notExists, notContains, size, escape: literal }) =>
          `${notExists(deletedAt)} AND (${notExists(reactionEmojis)} OR (${notContains(reactionEmojis, emoji)} AND ${size(reactionEmojis)} < ${literal(maxEmojis)}))`,
      )
      .go({ response: "none" });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // Deleted meanwhile, taken by someone else a moment ago (fine), or full.
    const { data } = await db.entities.message.get({ roomId, seq }).go({ consistent: true });
    if (!data || data.deletedAt) throw messageGone(messageId, true);
    if (!(data.reactionEmojis ?? []).includes(emoji))
      throw new LimitReachedError(`A message takes at most ${maxEmojis} different emojis`);
  }
}
