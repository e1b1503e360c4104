import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import type { BroadcastResult } from "../broadcast/connection-sender";
import type { DeliveryOptions } from "../broadcast/delivery-options";
import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import type { PresenceDigestJob } from "../fanout/fan-out-job";
import { defaultLimits } from "../limits/limits";
import type { ServerFrame } from "../protocol/frames";
import { announceQueued, type DigestOptions, type QueuedOutcome } from "./announce-queued";
import { listingUpTo } from "./detail-listing";
import * as Marker from "./presence-marker";
import type { ConnectionChange } from "./stream-changes";

export interface AnnouncePresenceOptions extends DigestOptions {
  changes: readonly ConnectionChange[];
  /**
   * Rooms with more live connections than this get `presence` digests instead of memberJoined/memberLeft: the
   * stage's `presenceDetailLimit` (core/src/limits).
   */
  detailLimit?: number;
}

/** What was announced in one room. */
export interface RoomPresenceOutcome {
  roomId: string;
  /**
   * detail: memberJoined/memberLeft per change; digest: one `presence` frame; queued: a pending delayed digest job
   * (or a digest that went out meanwhile) names them; scheduled: this batch scheduled that job.
   */
  mode: "detail" | QueuedOutcome["mode"];
  changes: number;
  broadcast: BroadcastResult;
}

/**
 * Announces joins and leaves read from the table's stream (a batch of connection INSERTs and REMOVEs), room by
 * room. A room within the detail limit hears each change as memberJoined / memberLeft, in stream order (the
 * joiner does not hear its own join). A larger room gets its changes queued on its presence marker, then sent in a
 * `presence` digest now if the room's digest slot is free, or by one delayed digest job on the fan-out queue
 * (announce-queued.ts): the batch never waits. Throws if a room's announcement fails: the event source retries the
 * batch (stream delivery is at least once; clients dedupe by memberId).
 */
export async function announcePresence(
  db: Db,
  { changes, detailLimit = defaultLimits.presenceDetailLimit, ...options }: AnnouncePresenceOptions,
): Promise<RoomPresenceOutcome[]> {
  const byRoom = new Map<string, ConnectionChange[]>();
  for (const change of changes) {
    const roomId = change.connection.roomId;
    byRoom.set(roomId, [...(byRoom.get(roomId) ?? []), change]);
  }
  return Promise.all(
    [...byRoom].map(async ([roomId, roomChanges]) => {
      const listing = await listingUpTo(db, { roomId, limit: detailLimit });
      if (listing) return announceInDetail(db, { roomId, changes: roomChanges, listing, delivery: options });
      const members = (kind: ConnectionChange["kind"]) =>
        roomChanges.filter((c) => c.kind === kind).map(({ connection }) => Connection.toMember(connection));
      const state = await Marker.queue(db, { roomId, joined: members("joined"), left: members("left") });
      const outcome = await announceQueued(db, { ...options, roomId, state });
      return { roomId, changes: roomChanges.length, ...outcome };
    }),
  );
}

/**
 * The fan-out worker's part: a delayed digest job come due. Announces what is queued for its room (or schedules
 * its successor if the slot is still taken), as announce-queued.ts says.
 */
export async function announceDueDigest(
  db: Db,
  { job, ...options }: DigestOptions & { job: PresenceDigestJob },
): Promise<QueuedOutcome> {
  const state = await Marker.read(db, { roomId: job.roomId });
  return announceQueued(db, { ...options, roomId: job.roomId, state, job });
}

async function announceInDetail(
  db: Db,
  {
    roomId,
    changes,
    listing,
    delivery,
  }: { roomId: string; changes: ConnectionChange[]; listing: ConnectionItem[]; delivery: DeliveryOptions },
): Promise<RoomPresenceOutcome> {
  const total: BroadcastResult = { delivered: 0, pruned: 0, failed: 0, retried: 0 };
  for (const { kind, connection } of changes) {
    const member = Connection.toMember(connection);
    const frame: ServerFrame =
      kind === "joined" ? { type: "memberJoined", member } : { type: "memberLeft", member };
    // The joiner, and whoever connected after it (their `sync` lists it), do not hear of the join.
    const except =
      kind === "joined"
        ? listing.filter((c) => c.connectedAt >= connection.connectedAt).map((c) => c.connectionId)
        : [];
    if (kind === "joined") except.push(connection.connectionId);
    addTo(total, await broadcastToRoom(db, { ...delivery, roomId, frame, listing, except }));
  }
  return { roomId, mode: "detail", changes: changes.length, broadcast: total };
}

function addTo(total: BroadcastResult, part: BroadcastResult) {
  total.delivered += part.delivered;
  total.pruned += part.pruned;
  total.failed += part.failed;
  total.retried += part.retried;
}
