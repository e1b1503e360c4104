import type { ConnectionSender } from "../broadcast/connection-sender";
import type { DeliveryOptions } from "../broadcast/delivery-options";
import { sendToConnection } from "../broadcast/send-to-connection";
import { sendWithRetry } from "../broadcast/send-with-retry";
import { Connection } from "../connection";
import type { Db } from "../db";
import type { RemovalSweepJob } from "../fanout/fan-out-job";
import { Membership } from "../membership";

/**
 * How long after a removal its sweep runs: the user's sockets are listed on gsi1, which lags the table (usually
 * well under a second); a socket stored just before the removal may be missing from the removal's own listing.
 */
export const REMOVAL_SWEEP_DELAY_SECONDS = 5;

/** What closing a user's sockets in a room did: closed now, found already closed, not closed past the retries. */
export interface ClosedSockets {
  closed: number;
  gone: number;
  failed: number;
}

const NO_DATA = new Uint8Array(0);

/** DeleteConnection seen through the post seam, so closing gets the posts' retry rules (sendWithRetry). */
const closing = (sender: ConnectionSender): ConnectionSender => ({
  send: ({ connectionId }) =>
    sender.close?.({ connectionId }) ??
    Promise.resolve({ status: "failed", reason: "this sender cannot close connections" }),
});

/**
 * Ends a removed (or leaving) user's sockets in a room: deletes each connection record first, so no broadcast
 * posts to it any more (and the presence worker announces the leave), tells it `removed` when the owner removed
 * them (`notify`), then closes it (DeleteConnection), retrying throttled and 5xx answers as posts are retried.
 * Idempotent: a record already gone and a socket already closed ("gone") are no failure. A close that still
 * fails is logged (`close_failed`) and counted.
 */
export async function closeMemberSockets(
  db: Db,
  {
    roomId,
    connectionIds,
    notify,
    delivery,
  }: { roomId: string; connectionIds: readonly string[]; notify: boolean; delivery: DeliveryOptions },
): Promise<ClosedSockets> {
  const { sender, log, maxRetries, throttleBudgetMs, sleep, clock, baseDelayMs, maxDelayMs, random } =
    delivery;
  const retry = { maxRetries, throttleBudgetMs, sleep, clock, baseDelayMs, maxDelayMs, random };
  const outcomes = await Promise.all(
    [...new Set(connectionIds)].map(async (connectionId) => {
      await Connection.remove(db, { connectionId });
      if (notify)
        await sendToConnection(db, { ...delivery, connectionId, frame: { type: "removed", roomId } });
      const { outcome } = await sendWithRetry(closing(sender), { connectionId, data: NO_DATA }, retry);
      if (outcome.status === "failed")
        log?.({ event: "close_failed", connectionId, roomId, reason: outcome.reason });
      return outcome.status;
    }),
  );
  const count = (status: string) => outcomes.filter((outcome) => outcome === status).length;
  return { closed: count("delivered"), gone: count("gone"), failed: count("failed") };
}

/**
 * The removal's follow-up (a delayed job on the fan-out queue, run by its worker): if the user is still not a
 * member of the room (readmitted or rejoined meanwhile: nothing to do), closes the sockets the removal listed
 * and every one gsi1 lists now, as `closeMemberSockets` does. Repeating it changes nothing; a socket it could not
 * close is counted in `failed`, for the worker to hand the job back to the queue.
 */
export async function sweepRemovedSockets(
  db: Db,
  { job, delivery }: { job: RemovalSweepJob; delivery: DeliveryOptions },
): Promise<ClosedSockets & { readmitted: boolean }> {
  const { roomId, userId, notify } = job;
  if (await Membership.get(db, { roomId, userId }))
    return { closed: 0, gone: 0, failed: 0, readmitted: true };
  const listed = await Connection.listOfUser(db, { roomId, userId });
  const connectionIds = [...job.connectionIds, ...listed.map(({ connectionId }) => connectionId)];
  return {
    ...(await closeMemberSockets(db, { roomId, connectionIds, notify, delivery })),
    readmitted: false,
  };
}
