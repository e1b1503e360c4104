import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import type { Member } from "../protocol/shapes";

/** Rooms past the presence-detail limit hear who came and went at most this often (CONTRACT v2). */
export const PRESENCE_DIGEST_INTERVAL_MS = 2_000;
/** Members named per list of a `presence` digest (CONTRACT v2); the count covers the rest. */
export const PRESENCE_DIGEST_NAMES = 20;

/**
 * Queues joins and leaves for the room's next digest: one UpdateItem appending to the marker's lists. Each call
 * appends at most PRESENCE_DIGEST_NAMES per list (a digest names no more), so the item stays small however big
 * the storm.
 */
export async function queue(
  db: Db,
  { roomId, joined, left }: { roomId: string; joined: Member[]; left: Member[] },
) {
  const update = db.entities.presence.update({ roomId });
  const recent = (members: Member[]) => members.slice(-PRESENCE_DIGEST_NAMES);
  await update
    .append({
      ...(joined.length > 0 && { joined: recent(joined) }),
      ...(left.length > 0 && { left: recent(left) }),
    })
    .go({ response: "none" });
}

/**
 * Takes the room's digest slot: succeeds when no digest went out in the last `intervalMs`, and then returns (and
 * clears, in the same conditional UpdateItem) who is queued. Null when another digest is too recent.
 */
export async function claimDigest(
  db: Db,
  {
    roomId,
    now = Date.now(),
    intervalMs = PRESENCE_DIGEST_INTERVAL_MS,
  }: {
    roomId: string;
    now?: number;
    intervalMs?: number;
  },
): Promise<{ joined: Member[]; left: Member[] } | null> {
  try {
    const { data } = await db.entities.presence
      .update({ roomId })
      .set({ digestAt: now })
      .remove(["joined", "left"])
      .where(
        (attr, { notExists, lte }) =>
          `${notExists(attr.digestAt)} OR ${lte(attr.digestAt, now - intervalMs)}`,
      )
      .go({ response: "all_old" });
    return { joined: data?.joined ?? [], left: data?.left ?? [] };
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
}
