import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../db/create-db";
import { NotFoundError } from "../errors/domain-errors";
import type { MessageItem } from "./message.entity";

/**
 * What a client is told about a message it may no longer change: deleted (a tombstone) or never in this room.
 * `not_found` for both: the text is gone, and nothing about other rooms' messages leaks.
 */
export const messageGone = (messageId: string, deleted = false) =>
  new NotFoundError(deleted ? "This message was deleted" : `No message ${messageId} in this room`);

/** How long a lookup that missed waits before its second try. */
const INDEX_LAG_MS = 500;

/**
 * A message of the room by its public id: a Query of one item on gsi1 (`byId`, which projects the whole item).
 * With `consistent`, then a strongly consistent Get of the item by the `seq` found (the index lags writes by a
 * moment; the `seq` never changes). NotFoundError when the room has no such message: another room's message
 * is not found, since the room is part of the index key.
 */
export async function findById(
  db: Db,
  { roomId, messageId, consistent = false }: { roomId: string; messageId: string; consistent?: boolean },
): Promise<MessageItem> {
  const lookUp = async () =>
    (await db.entities.message.query.byId({ roomId, messageId }).go({ limit: 1 })).data[0];
  // A message stored a moment ago may not be in the index yet (on AWS it lags writes, usually by well under a
  // second): a miss is asked once more before it counts, so a quick edit or reaction is not refused for it.
  const indexed = (await lookUp()) ?? (await sleep(INDEX_LAG_MS).then(lookUp));
  const { data } =
    indexed && consistent
      ? await db.entities.message.get({ roomId, seq: indexed.seq }).go({ consistent: true })
      : { data: indexed ?? null };
  if (!data) throw messageGone(messageId);
  return data;
}
