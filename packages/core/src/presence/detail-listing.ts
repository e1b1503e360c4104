import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";

/**
 * The room's live connections if there are at most `limit` (the presence-detail limit), else null: pages of
 * limit + 1, so a room past the limit costs one page, however big it is (more only while expired records the TTL
 * has not deleted yet fill the pages). Decides between per-member presence and the count alone, for the presence
 * worker and for `sync` alike.
 */
export async function listingUpTo(
  db: Db,
  { roomId, limit, now }: { roomId: string; limit: number; now?: Date },
): Promise<ConnectionItem[] | null> {
  const listing: ConnectionItem[] = [];
  for await (const page of Connection.pagesByRoom(db, { roomId, pageSize: limit + 1, ...(now && { now }) })) {
    listing.push(...page);
    if (listing.length > limit) return null;
  }
  return listing;
}
