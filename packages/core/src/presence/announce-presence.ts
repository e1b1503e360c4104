import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import type { BroadcastResult } from "../broadcast/connection-sender";
import type { DeliveryOptions } from "../broadcast/delivery-options";
import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import { PRESENCE_DETAIL_LIMIT } from "../limits/limits";
import type { ServerFrame } from "../protocol/frames";
import * as Marker from "./presence-marker";
import { PRESENCE_DIGEST_INTERVAL_MS, PRESENCE_DIGEST_NAMES } from "./presence-marker";
import type { ConnectionChange } from "./stream-changes";

export interface AnnouncePresenceOptions extends DeliveryOptions {
  changes: readonly ConnectionChange[];
  /** Rooms with more live connections than this get `presence` digests instead of memberJoined/memberLeft. */
  detailLimit?: number;
  /** At most one digest per room per this many ms. */
  intervalMs?: number;
  /** Waiting for a room's digest slot (injectable for tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** What was announced in one room. */
export interface RoomPresenceOutcome {
  roomId: string;
  /** detail: memberJoined/memberLeft per change; digest: one `presence` frame; queued: a later digest names them. */
  mode: "detail" | "digest" | "queued";
  changes: number;
  broadcast: BroadcastResult;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Announces joins and leaves read from the table's stream (a batch of connection INSERTs and REMOVEs), room by
 * room. A room within the detail limit hears each change as memberJoined / memberLeft, in stream order (the
 * joiner does not hear its own join). A larger room gets its changes queued on its presence marker, and whoever
 * takes the room's digest slot (at most one per `intervalMs`) sends one `presence` frame with the live count and
 * the queued names; a batch that finds the slot taken waits one interval and tries once more, so the last changes
 * of a storm are announced too, by it or by whoever took the slot in between. Throws if a room's announcement
 * fails: the event source retries the batch (stream delivery is at least once; clients dedupe by memberId).
 */
export async function announcePresence(
  db: Db,
  {
    changes,
    detailLimit = PRESENCE_DETAIL_LIMIT,
    intervalMs = PRESENCE_DIGEST_INTERVAL_MS,
    sleep = realSleep,
    ...delivery
  }: AnnouncePresenceOptions,
): Promise<RoomPresenceOutcome[]> {
  const byRoom = new Map<string, ConnectionChange[]>();
  for (const change of changes) {
    const roomId = change.connection.roomId;
    byRoom.set(roomId, [...(byRoom.get(roomId) ?? []), change]);
  }
  return Promise.all(
    [...byRoom].map(async ([roomId, roomChanges]) => {
      const listing = await listingUpTo(db, { roomId, limit: detailLimit });
      if (listing) return announceInDetail(db, { roomId, changes: roomChanges, listing, delivery });
      return announceInDigest(db, { roomId, changes: roomChanges, intervalMs, sleep, delivery });
    }),
  );
}

/** The room's live connections if there are at most `limit` (one Query page of limit + 1), else null. */
async function listingUpTo(db: Db, { roomId, limit }: { roomId: string; limit: number }) {
  const listing: ConnectionItem[] = [];
  for await (const page of Connection.pagesByRoom(db, { roomId, pageSize: limit + 1 })) {
    listing.push(...page);
    if (listing.length > limit) return null;
  }
  return listing;
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

async function announceInDigest(
  db: Db,
  {
    roomId,
    changes,
    intervalMs,
    sleep,
    delivery,
  }: {
    roomId: string;
    changes: ConnectionChange[];
    intervalMs: number;
    sleep: (ms: number) => Promise<void>;
    delivery: DeliveryOptions;
  },
): Promise<RoomPresenceOutcome> {
  const members = (kind: ConnectionChange["kind"]) =>
    changes.filter((change) => change.kind === kind).map(({ connection }) => Connection.toMember(connection));
  await Marker.queue(db, { roomId, joined: members("joined"), left: members("left") });
  let queued = await Marker.claimDigest(db, { roomId, intervalMs });
  if (!queued) {
    await sleep(intervalMs);
    queued = await Marker.claimDigest(db, { roomId, intervalMs });
  }
  const none: BroadcastResult = { delivered: 0, pruned: 0, failed: 0, retried: 0 };
  // Slot taken twice, or taken in between with our changes in it: the digest that went out named them.
  if (!queued || (queued.joined.length === 0 && queued.left.length === 0))
    return { roomId, mode: "queued", changes: changes.length, broadcast: none };
  const listing = await Connection.listByRoom(db, { roomId });
  const frame: ServerFrame = {
    type: "presence",
    count: listing.length,
    joined: queued.joined.slice(-PRESENCE_DIGEST_NAMES),
    left: queued.left.slice(-PRESENCE_DIGEST_NAMES),
  };
  const broadcast = await broadcastToRoom(db, { ...delivery, roomId, frame, listing });
  return { roomId, mode: "digest", changes: changes.length, broadcast };
}

function addTo(total: BroadcastResult, part: BroadcastResult) {
  total.delivered += part.delivered;
  total.pruned += part.pruned;
  total.failed += part.failed;
  total.retried += part.retried;
}
