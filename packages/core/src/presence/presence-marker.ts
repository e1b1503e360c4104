import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import type { Member } from "../protocol/shapes";

/** Rooms past the presence-detail limit hear who came and went at most this often (CONTRACT v2: 2 s). */
export const PRESENCE_DIGEST_INTERVAL_MS = 2_000;
/** Members named per list of a `presence` digest (CONTRACT v2); the count covers the rest. */
export const PRESENCE_DIGEST_NAMES = 20;
/**
 * The post rate one room's digests may use: a digest to n live members waits at least n / this seconds after the
 * room's previous one (and never less than PRESENCE_DIGEST_INTERVAL_MS), so 20 posts/s per room, 0.2% of API
 * Gateway's default account rate (10,000 posts/s): a room of up to 40 members may hear every 2 s, 1,000 members
 * every 50 s, 5,000 (the member cap) every 250 s. A storm that fills a room to N members within about N / 20 s
 * costs two digests (the first past the detail limit, and the one after the storm: about N posts); a longer one
 * adds at most 20 posts per second it lasts. 20, not more: the join-storm bench's 1,000 joins took 14 s of waves
 * on a quiet machine and ~40 s on a loaded one, and must stay under 3 N posts with the ~1.2 N memberJoined of the
 * first hundred (docs/architecture.md, "Presence"; bench/suites/join-storm.ts).
 */
export const PRESENCE_DIGEST_POSTS_PER_SECOND = 20;

/** A room's presence marker as read or written: see presence.entity.ts. */
export interface MarkerState {
  digestAt?: number;
  digestCount?: number;
  joinedSince?: number;
  leftSince?: number;
  trailingDue?: number;
  joined?: Member[];
  left?: Member[];
}

/**
 * The room's live count as the marker knows it: the last digest's, plus joins, less leaves, queued since. Kept
 * while the room is past the presence-detail limit (each stream batch queues its changes there first), so it lags
 * the table by the stream's delay; within the limit nobody updates it.
 */
export const estimatedCount = (marker: MarkerState) =>
  Math.max(0, (marker.digestCount ?? 0) + (marker.joinedSince ?? 0) - (marker.leftSince ?? 0));

/**
 * Queues joins and leaves for the room's next digest: one UpdateItem appending to the marker's lists and counts,
 * returning the marker as it is now. Each call appends at most PRESENCE_DIGEST_NAMES per list (a digest names no
 * more), so the item stays small however big the storm.
 */
export async function queue(
  db: Db,
  { roomId, joined, left }: { roomId: string; joined: Member[]; left: Member[] },
): Promise<MarkerState> {
  const recent = (members: Member[]) => members.slice(-PRESENCE_DIGEST_NAMES);
  const { data } = await db.entities.presence
    .update({ roomId })
    .append({
      ...(joined.length > 0 && { joined: recent(joined) }),
      ...(left.length > 0 && { left: recent(left) }),
    })
    .add({ joinedSince: joined.length, leftSince: left.length })
    .go({ response: "all_new" });
  return data ?? {};
}

/** The room's presence marker (a strongly consistent GetItem), or null if the room never had one. */
export async function read(db: Db, { roomId }: { roomId: string }): Promise<MarkerState | null> {
  const { data } = await db.entities.presence.get({ roomId }).go({ consistent: true });
  return data;
}

/**
 * Takes the room's digest slot for a digest to `count` members: succeeds when someone is queued and no digest
 * went out in the last `intervalMs`, and then returns (and clears, in the same conditional UpdateItem) who is
 * queued. Null when another digest is too recent or nobody is queued. `clearTrailing`: the taker is the room's
 * delayed digest job, whose `trailingDue` this ends.
 */
export async function claimDigest(
  db: Db,
  {
    roomId,
    now = Date.now(),
    intervalMs = PRESENCE_DIGEST_INTERVAL_MS,
    count,
    clearTrailing = false,
  }: {
    roomId: string;
    now?: number;
    intervalMs?: number;
    count: number;
    clearTrailing?: boolean;
  },
): Promise<{ joined: Member[]; left: Member[] } | null> {
  const cleared = ["joined", "left", "joinedSince", "leftSince"] as const;
  try {
    const { data } = await db.entities.presence
      .update({ roomId })
      .set({ digestAt: now, digestCount: count })
      .remove(clearTrailing ? [...cleared, "trailingDue"] : [...cleared])
      .where(
        (attr, { notExists, lte, exists }) =>
          `(${notExists(attr.digestAt)} OR ${lte(attr.digestAt, now - intervalMs)}) AND (${exists(attr.joined)} OR ${exists(attr.left)})`,
      )
      .go({ response: "all_old" });
    return { joined: data?.joined ?? [], left: data?.left ?? [] };
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
}

/** A pending delayed job not run this long after it was due is taken for lost (dead-lettered): another may replace it. */
export const TRAILING_LOST_AFTER_MS = 5 * 60_000;

/**
 * Records that a delayed digest job for the room is due at `due`, unless one is pending already: true if this call
 * recorded it (its caller then sends the job). `replacing`: the caller is the pending job due then, and puts its
 * successor in its place. One conditional UpdateItem, so at most one job is pending per room however many batches
 * find the slot taken at once.
 */
export async function scheduleTrailing(
  db: Db,
  {
    roomId,
    due,
    replacing,
    now = Date.now(),
  }: { roomId: string; due: number; replacing?: number; now?: number },
): Promise<boolean> {
  try {
    await db.entities.presence
      .update({ roomId })
      .set({ trailingDue: due })
      .where((attr, { notExists, lt, eq }) =>
        replacing === undefined
          ? `${notExists(attr.trailingDue)} OR ${lt(attr.trailingDue, now - TRAILING_LOST_AFTER_MS)}`
          : eq(attr.trailingDue, replacing),
      )
      .go({ response: "none" });
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Ends the pending delayed job due at `due` (it found nothing to announce, or could not be sent); else nothing. */
export async function dropTrailing(db: Db, { roomId, due }: { roomId: string; due: number }) {
  try {
    await db.entities.presence
      .update({ roomId })
      .remove(["trailingDue"])
      .where((attr, { eq }) => eq(attr.trailingDue, due))
      .go({ response: "none" });
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
