import type { Db } from "../db/create-db";
import { SYNC_CHANGES_WINDOW } from "../limits/limits";
import type { Message } from "../protocol/shapes";
import * as Reaction from "../reaction/reaction";
import { toMessage } from "./message";

/**
 * A change is compared with `changesSince` less this margin: the time a change records is taken in the Lambda
 * before its write lands, and Lambdas' clocks differ by a little. A change near the boundary is sent twice
 * rather than never; clients apply a message's current state, so a repeat is harmless.
 */
export const CHANGES_CLOCK_MARGIN_MS = 5_000;

/**
 * What `sync` returns in `changes`: the messages among the `window` up to `afterSeq` (those the client most
 * likely holds) that were edited, deleted, or had a reaction toggled since `changesSince` (a snapshot's
 * `syncedAt`), or ever when it is not given (the snapshot asks only with it); each as it is now, with reactions and the reader's `mine`.
 * Three Queries at once, each a key range bounded by the window (messages, their count items, the reader's
 * reactions); edits and reactions write nothing extra for it (no feed to maintain, nothing hot).
 */
export async function changedInWindow(
  db: Db,
  {
    roomId,
    afterSeq,
    changesSince,
    reader,
    window = SYNC_CHANGES_WINDOW,
  }: { roomId: string; afterSeq: number; changesSince?: string; reader: string; window?: number },
): Promise<Message[]> {
  const fromSeq = Math.max(1, afterSeq - window + 1);
  if (afterSeq < fromSeq) return [];
  const [{ data: items }, range] = await Promise.all([
    db.entities.message.query
      .byRoom({ roomId })
      .between({ seq: fromSeq }, { seq: afterSeq })
      .go({ pages: "all" }),
    Reaction.readRange(db, { roomId, fromSeq, toSeq: afterSeq, reader }),
  ]);
  const after =
    changesSince === undefined
      ? ""
      : new Date(Date.parse(changesSince) - CHANGES_CLOCK_MARGIN_MS).toISOString();
  return items
    .filter(({ seq, editedAt, deletedAt }) =>
      [editedAt, deletedAt, range.changedAt.get(seq)].some((at) => at !== undefined && at > after),
    )
    .map((item) => ({ ...toMessage(item), reactions: Reaction.reactionsOf(item, range) }));
}
