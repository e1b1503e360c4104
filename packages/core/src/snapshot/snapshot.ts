import * as z from "zod/mini";
import "../errors/english-messages";
import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import { ValidationError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema } from "../ids/ids";
import { defaultLimits, type Limits, SYNC_AFTER_PAGE, SYNC_NEWEST_PAGE } from "../limits/limits";
import * as Membership from "../membership/membership";
import type { MembershipItem } from "../membership/membership.entity";
import { changedInWindow } from "../message/changed-messages";
import * as Message from "../message/message";
import { listingUpTo } from "../presence/detail-listing";
import * as Marker from "../presence/presence-marker";
import type { Snapshot } from "../protocol/frames";
import type { Member, ReadPosition } from "../protocol/shapes";
import * as Room from "../room/room";

export const readInput = z.object({
  roomId: idSchema,
  userId: z.string().check(z.minLength(1)),
  afterSeq: z.optional(z.number().check(z.int(), z.gte(0))),
  changesSince: z.optional(z.iso.datetime()),
});

/**
 * What a (re)connecting client needs, read in one round trip: the room, its todos, who is here (see liveMembers),
 * the caller's read position and, in rooms of at most `presenceDetailLimit` members, everyone else's (for "seen
 * by"), and either the messages with `seq > afterSeq`
 * or the newest page. `hasMore`: more follow after the last one (with afterSeq: sync again from it) or older ones
 * exist (newest page). An `afterSeq` beyond the room's last seq is refused: the client holds something the room
 * never had. Every message comes with its reactions (`mine` for the caller), in a second round trip (their range
 * is known once the page is read). With `afterSeq` and `changesSince` (a client back from being away),
 * `changes` holds the messages up to `afterSeq` that changed since then (message/changed-messages.ts), read in
 * the first round trip; without `changesSince` it is empty and costs nothing (a gap sync of a live client).
 */
export async function read(
  db: Db,
  input: z.input<typeof readInput>,
  {
    limits = defaultLimits,
    now = new Date(),
    membership: known,
  }: {
    limits?: Limits;
    now?: Date;
    /** The caller's membership, when the caller has just read it (a frame's access check): not read again. */
    membership?: MembershipItem;
  } = {},
): Promise<Snapshot> {
  const { roomId, userId, afterSeq, changesSince } = parseInput(readInput, input);
  const detailLimit = limits.presenceDetailLimit;
  const [{ room, todos }, listing, membership, reads, page, changes] = await Promise.all([
    Room.getWithTodos(db, { roomId }),
    listingUpTo(db, { roomId, limit: detailLimit, now }),
    known ?? Membership.get(db, { roomId, userId }),
    readPositions(db, { roomId, except: userId, detailLimit }),
    afterSeq !== undefined
      ? Message.afterItems(db, { roomId, afterSeq, limit: SYNC_AFTER_PAGE })
      : Message.historyItems(db, { roomId, limit: SYNC_NEWEST_PAGE }).then(({ items, cursor }) => ({
          items,
          hasMore: cursor !== null,
        })),
    afterSeq !== undefined && changesSince !== undefined
      ? changedInWindow(db, { roomId, afterSeq, changesSince, reader: userId })
      : Promise.resolve([]),
  ]);
  if (afterSeq !== undefined && afterSeq > room.lastSeq) {
    throw new ValidationError(
      `Invalid sync frame: afterSeq: ${afterSeq} is ahead of the room's last seq ${room.lastSeq}`,
      [{ path: ["afterSeq"], message: "must not be ahead of the room's last seq" }],
    );
  }
  const [{ members, memberCount }, messages] = await Promise.all([
    liveMembers(db, { roomId, listing, detailLimit }),
    Message.withReactions(db, { roomId, items: page.items, reader: userId }),
  ]);
  return {
    room,
    todos,
    members,
    memberCount,
    messages,
    hasMore: page.hasMore,
    readSeq: membership?.readSeq ?? room.lastSeq,
    reads,
    changes,
    syncedAt: now.toISOString(),
  };
}

/**
 * Who is here, as the presence frames of the room tell it: within the presence-detail limit every live
 * connection (`listing`) and their number; past it no list (the member list is paged over HTTP) and the live count
 * as the room's presence digests know it (its presence marker: one GetItem, read beside the reactions), at least
 * the limit and one (the marker lags the table by the stream's delay, and a room that just grew past the limit
 * may not have one yet). So a sync costs the same in a room of 101 and of 5,000.
 */
async function liveMembers(
  db: Db,
  { roomId, listing, detailLimit }: { roomId: string; listing: ConnectionItem[] | null; detailLimit: number },
): Promise<{ members: Member[]; memberCount: number }> {
  if (listing) {
    const members = listing.map(Connection.toMember).sort((a, b) => a.memberId.localeCompare(b.memberId));
    return { members, memberCount: members.length };
  }
  const marker = await Marker.read(db, { roomId });
  return { members: [], memberCount: Math.max(detailLimit + 1, marker ? Marker.estimatedCount(marker) : 0) };
}

/**
 * Every other member's read position (online or not), in rooms of at most `detailLimit` members: one Query of at
 * most that many memberships plus one; a bigger room gets none (no "seen by" there).
 */
async function readPositions(
  db: Db,
  { roomId, except, detailLimit }: { roomId: string; except: string; detailLimit: number },
): Promise<ReadPosition[]> {
  const { data } = await db.entities.membership.query.byRoom({ roomId }).go({ limit: detailLimit + 1 });
  if (data.length > detailLimit) return [];
  return data
    .filter(({ userId }) => userId !== except)
    .map(({ userId, readSeq }) => ({ userId, seq: readSeq }));
}
