import type { DeliveryOptions } from "../broadcast/delivery-options";
import { Connection } from "../connection";
import type { Db } from "../db";
import type { DelayedJobQueue, RemovalSweepJob } from "../fanout/fan-out-job";
import { Membership } from "../membership";
import type { User } from "../protocol/shapes";
import { closeMemberSockets, REMOVAL_SWEEP_DELAY_SECONDS } from "./close-member-sockets";

/**
 * `DELETE /rooms/{roomId}/members/{userId}`: ends the membership (see Membership.remove), then ends each of the
 * user's live sockets in the room (closeMemberSockets: record deleted, `{"type":"removed"}` unless they left on
 * their own, DeleteConnection with retries). The sockets are listed on gsi1, which lags: a socket stored just
 * before may be missing, and a close may fail. So once every check passed and before anything is written, a sweep
 * carrying the sockets listed then is scheduled on the fan-out queue (`sweeper`) to do it again
 * REMOVAL_SWEEP_DELAY_SECONDS later (sweepRemovedSockets): if it cannot be scheduled, the removal fails with
 * nothing written; once written, the sweep runs even if this Lambda dies. Without a `sweeper` (a stage without
 * the queue) there is no second pass. Meanwhile every frame of a surviving socket is refused: each checks the
 * membership (forJoinedConnection).
 * Returns how many sockets were closed now.
 */
export async function removeMember({
  db,
  delivery,
  sweeper,
  input,
  caller,
}: {
  db: Db;
  delivery: DeliveryOptions;
  sweeper?: DelayedJobQueue<RemovalSweepJob>;
  input: { roomId: string; userId: string };
  caller: User;
}): Promise<{ roomId: string; closed: number }> {
  const { roomId } = input;
  let sockets: { connectionIds: string[]; notify: boolean } | undefined;
  const removed = await Membership.remove(db, {
    input,
    caller,
    beforeWrite: async ({ userId, removed: notify }) => {
      const listed = await Connection.listOfUser(db, { roomId, userId });
      sockets = { connectionIds: listed.map(({ connectionId }) => connectionId), notify };
      await sweeper?.schedule(
        { kind: "removalSweep", roomId, userId, ...sockets },
        REMOVAL_SWEEP_DELAY_SECONDS,
      );
    },
  });
  if (!removed || !sockets) return { roomId, closed: 0 };
  // Listed again: a socket stored between the first listing and the transaction is closed now too.
  const listed = await Connection.listOfUser(db, { roomId, userId: removed });
  const connectionIds = [...sockets.connectionIds, ...listed.map(({ connectionId }) => connectionId)];
  const { closed } = await closeMemberSockets(db, {
    roomId,
    connectionIds,
    notify: sockets.notify,
    delivery,
  });
  return { roomId, closed };
}
