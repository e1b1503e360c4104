import { fullJitterDelayMs } from "../broadcast/full-jitter-backoff";
import type { Db } from "../db/create-db";
import { failedConditions, isRetryableCancellation } from "../db/transaction-outcome";
import { LimitReachedError, NotFoundError } from "../errors/domain-errors";
import type { MembershipItem } from "./membership.entity";

/** Contention and throttling on the room item are retried this many times (jittered), then it is a 500. */
const ATTEMPTS = 6;

/**
 * Stores a new membership and counts it on the room, in one transaction that requires the room's `memberCount`
 * below `cap`: a full room refuses the newcomer (`limit_reached`) and nothing is written. Returns false when the
 * user already was a member (nothing changes; members always get back in). `deleteRemoval`: the same
 * transaction lifts the user's removal (a newer invite readmits them).
 */
export async function admit(
  db: Db,
  {
    membership,
    cap,
    deleteRemoval = false,
  }: { membership: MembershipItem; cap: number; deleteRemoval?: boolean },
): Promise<boolean> {
  const { roomId, userId } = membership;
  for (let attempt = 0; ; attempt++) {
    const { canceled, data } = await db.transaction
      .write(({ room, membership: memberships, removal }) => [
        room
          .patch({ roomId })
          .add({ memberCount: 1 })
          .where(
            (attr, { notExists, lt }) => `(${notExists(attr.memberCount)} OR ${lt(attr.memberCount, cap)})`,
          )
          .commit({ response: "all_old" }),
        memberships.create(membership).commit(),
        ...(deleteRemoval ? [removal.delete({ roomId, userId }).commit()] : []),
      ])
      .go();
    if (!canceled) return true;
    const failed = failedConditions(data);
    if (failed.includes(1)) return false;
    if (failed.includes(0)) {
      if (!data[0]?.item) throw new NotFoundError(`Room ${roomId} does not exist`);
      throw new LimitReachedError(`This room is full (${cap} members); ask its owner to make room`);
    }
    if (!isRetryableCancellation(data) || attempt + 1 >= ATTEMPTS)
      throw new Error(`Joining room ${roomId} was cancelled: ${JSON.stringify(data.map((d) => d.code))}`);
    await new Promise((resolve) =>
      setTimeout(resolve, fullJitterDelayMs(attempt, { baseDelayMs: 10, maxDelayMs: 200 })),
    );
  }
}

/**
 * Deletes a membership and uncounts it on the room, in one transaction (`removedAt`: also records the removal,
 * a ban). `revokeInvites` (with `removedAt`): the same write to the room sets `invitesRevokedAt` to `removedAt`,
 * so every invite made until the removal stops working with it, as `DELETE /rooms/{roomId}/invites` does.
 * Returns false when the membership was already gone (nothing is written, nothing uncounted).
 */
export async function dismiss(
  db: Db,
  {
    roomId,
    userId,
    removedAt,
    revokeInvites = false,
  }: { roomId: string; userId: string; removedAt?: string; revokeInvites?: boolean },
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const { canceled, data } = await db.transaction
      .write(({ room, membership, removal }) => [
        membership.remove({ roomId, userId }).commit(),
        (removedAt && revokeInvites
          ? room.patch({ roomId }).add({ memberCount: -1 }).set({ invitesRevokedAt: removedAt })
          : room.patch({ roomId }).add({ memberCount: -1 })
        ).commit(),
        ...(removedAt ? [removal.put({ roomId, userId, removedAt }).commit()] : []),
      ])
      .go();
    if (!canceled) return true;
    const failed = failedConditions(data);
    if (failed.includes(0) || failed.includes(1)) return false;
    if (!isRetryableCancellation(data) || attempt + 1 >= ATTEMPTS)
      throw new Error(`Leaving room ${roomId} was cancelled: ${JSON.stringify(data.map((d) => d.code))}`);
    await new Promise((resolve) =>
      setTimeout(resolve, fullJitterDelayMs(attempt, { baseDelayMs: 10, maxDelayMs: 200 })),
    );
  }
}
