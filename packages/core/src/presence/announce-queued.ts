import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import type { BroadcastResult } from "../broadcast/connection-sender";
import type { DeliveryOptions } from "../broadcast/delivery-options";
import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import type { DelayedJobQueue, PresenceDigestJob } from "../fanout/fan-out-job";
import type { Member } from "../protocol/shapes";
import { type DigestTiming, digestIntervalMs, trailingDelaySeconds } from "./digest-timing";
import * as Marker from "./presence-marker";
import { type MarkerState, PRESENCE_DIGEST_NAMES, TRAILING_LOST_AFTER_MS } from "./presence-marker";

export interface DigestOptions extends DeliveryOptions, DigestTiming {
  /** Where a delayed digest job goes when the room's slot is taken: the fan-out queue. */
  scheduler?: DelayedJobQueue;
}

/** What became of a large room's queued changes: digest sent, left to a pending digest, or a job scheduled. */
export interface QueuedOutcome {
  mode: "digest" | "queued" | "scheduled";
  broadcast: BroadcastResult;
}

/** Reads of the marker after a lost race before giving up (the caller's event source retries). */
const ATTEMPTS = 4;

/**
 * Announces a large room's queued joins and leaves (`state`: its presence marker as just written or read) without
 * ever waiting for the room's digest slot:
 * - the slot is free (no digest within digestIntervalMs of the room's size): take it and send one `presence`
 *   frame with the live count and the queued names;
 * - it is taken and a delayed digest job is pending: that job will name them (they are on the marker before it
 *   runs);
 * - it is taken and none is pending: schedule one on the fan-out queue for when the slot frees, at most one per
 *   room (a conditional write on the marker's `trailingDue`).
 * `job`: the caller is that delayed job; if it comes before the slot frees (clocks, or a room that grew) and names
 * are still queued, it schedules its successor. So the last change of a storm is always announced, by a batch or a
 * job, and nothing sleeps.
 */
export async function announceQueued(
  db: Db,
  {
    roomId,
    state,
    job,
    scheduler,
    intervalMs,
    postsPerSecond,
    ...delivery
  }: DigestOptions & { roomId: string; state: MarkerState | null; job?: PresenceDigestJob },
): Promise<QueuedOutcome> {
  const timing = { intervalMs, postsPerSecond };
  let marker = state;
  /** The live count this call read, once it has listed the room. */
  let listed = 0;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const mine = job !== undefined && marker?.trailingDue === job.due;
    if (!marker || !hasQueued(marker)) {
      if (mine) await Marker.dropTrailing(db, { roomId, due: job.due });
      return { mode: "queued", broadcast: nothing() };
    }
    const now = Date.now();
    const count = Math.max(listed, Marker.estimatedCount(marker));
    const due = marker.digestAt === undefined ? now : marker.digestAt + digestIntervalMs(count, timing);
    if (now >= due) {
      const listing = await Connection.listByRoom(db, { roomId });
      listed = listing.length;
      const claimed = await Marker.claimDigest(db, {
        roomId,
        now: Date.now(),
        intervalMs: digestIntervalMs(listing.length, timing),
        count: listing.length,
        clearTrailing: mine,
      });
      if (claimed)
        return { mode: "digest", broadcast: await sendDigest(db, { roomId, listing, claimed, delivery }) };
    } else {
      const pending =
        marker.trailingDue !== undefined && !mine && marker.trailingDue >= now - TRAILING_LOST_AFTER_MS;
      if (pending) return { mode: "queued", broadcast: nothing() };
      const replacing = mine ? job.due : undefined;
      if (await scheduleDigestJob(db, { roomId, due, now, replacing, scheduler }))
        return { mode: "scheduled", broadcast: nothing() };
    }
    // Another batch or job moved first (took the slot, scheduled the job), or the room is bigger than the marker
    // knew (a longer interval): look again.
    marker = await Marker.read(db, { roomId });
  }
  throw new Error(`Presence of room ${roomId}: the digest slot kept changing hands; try the batch again`);
}

/** Records the room's one pending job (unless another won) and sends it; false if another is pending now. */
async function scheduleDigestJob(
  db: Db,
  {
    roomId,
    due,
    now,
    replacing,
    scheduler,
  }: { roomId: string; due: number; now: number; replacing?: number; scheduler?: DelayedJobQueue },
): Promise<boolean> {
  if (!scheduler)
    throw new Error("Presence needs the fan-out queue to announce a large room's last changes (link FanOut)");
  const delaySeconds = trailingDelaySeconds(due, now);
  const runAt = now + delaySeconds * 1_000;
  if (!(await Marker.scheduleTrailing(db, { roomId, due: runAt, replacing, now }))) return false;
  try {
    await scheduler.schedule({ kind: "presenceDigest", roomId, due: runAt }, delaySeconds);
  } catch (error) {
    // Not sent: no job is pending after all, and the caller's retry schedules it again.
    await Marker.dropTrailing(db, { roomId, due: runAt });
    throw error;
  }
  return true;
}

async function sendDigest(
  db: Db,
  {
    roomId,
    listing,
    claimed,
    delivery,
  }: {
    roomId: string;
    listing: ConnectionItem[];
    claimed: { joined: Member[]; left: Member[] };
    delivery: DeliveryOptions;
  },
): Promise<BroadcastResult> {
  const frame = {
    type: "presence" as const,
    count: listing.length,
    joined: claimed.joined.slice(-PRESENCE_DIGEST_NAMES),
    left: claimed.left.slice(-PRESENCE_DIGEST_NAMES),
  };
  return broadcastToRoom(db, { ...delivery, roomId, frame, listing });
}

const hasQueued = (marker: MarkerState) => (marker.joined?.length ?? 0) + (marker.left?.length ?? 0) > 0;

const nothing = (): BroadcastResult => ({ delivered: 0, pruned: 0, failed: 0, retried: 0 });
