import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import { CONNECTION_LIST_CACHE_MAX_CONNECTIONS, CONNECTION_LIST_CACHE_MS } from "../limits/limits";
import type { ServerFrame } from "../protocol/frames";

/** What a broadcast needs of a listed connection (kept small: a large room's list stays in memory). */
export type ListedConnection = Pick<ConnectionItem, "connectionId" | "userId" | "expiresAt">;

/**
 * Frames that may go to a room's cached connection list. A member who joined after the list was read misses
 * such a frame live, and that is safe only where the miss shows or does not matter:
 * - `message`: it carries `seq`; the joiner's next message, or `pong.lastSeq`, shows the gap and it `sync`s
 *   (the contract's "a stored message reaches every member live at the time, or the member can see from seq");
 * - `typing`, `read`: ephemeral, nothing stored to catch up on.
 * Every other frame (todos, edits, deletions, reactions: durable changes that move no `seq`) is always sent to a
 * list read for it.
 */
export const CACHEABLE_FRAME_TYPES: ReadonlySet<ServerFrame["type"]> = new Set(["message", "typing", "read"]);

export interface ConnectionListCacheOptions {
  /** How long a read list is reused (from when the read started). Default CONNECTION_LIST_CACHE_MS. */
  ttlMs?: number;
  /** Connections held over all rooms; least recently used rooms are evicted past it. */
  maxConnections?: number;
  /** Milliseconds now (tests). */
  clock?: () => number;
}

interface Entry {
  readAt: number;
  connections: ListedConnection[];
}

/**
 * One container's short-lived copy of rooms' connection lists (per Lambda instance: a module-level instance
 * lives as long as the container). Reads are shared: a room's list is read at most once per `ttlMs` here, and
 * concurrent misses for one room wait on the same read. A connection the broadcast found gone (410) is dropped
 * at once (`drop`), so it is not posted to again from this copy.
 */
export class ConnectionListCache {
  readonly ttlMs: number;
  readonly maxConnections: number;
  readonly #clock: () => number;
  /** Rooms in least-recently-used order (a Map keeps insertion order; a use re-inserts). */
  readonly #entries = new Map<string, Entry>();
  readonly #pending = new Map<string, Promise<ListedConnection[]>>();
  #held = 0;

  constructor({
    ttlMs = CONNECTION_LIST_CACHE_MS,
    maxConnections = CONNECTION_LIST_CACHE_MAX_CONNECTIONS,
    clock = Date.now,
  }: ConnectionListCacheOptions = {}) {
    this.ttlMs = ttlMs;
    this.maxConnections = maxConnections;
    this.#clock = clock;
  }

  /** Rooms and connections held now. */
  get size() {
    return { rooms: this.#entries.size, connections: this.#held };
  }

  /** The room's list if it was read less than `ttlMs` ago, else undefined (and a stale copy is let go). */
  fresh(roomId: string): ListedConnection[] | undefined {
    const entry = this.#entries.get(roomId);
    if (!entry) return undefined;
    this.#forget(roomId, entry);
    if (this.#clock() - entry.readAt >= this.ttlMs) return undefined;
    this.#entries.set(roomId, entry);
    this.#held += entry.connections.length;
    return entry.connections;
  }

  /** The room's list: the fresh copy, the read already under way, or a new `read` (kept on success). */
  load(roomId: string, read: () => Promise<readonly ListedConnection[]>): Promise<ListedConnection[]> {
    const hit = this.fresh(roomId);
    if (hit) return Promise.resolve(hit);
    const pending = this.#pending.get(roomId);
    if (pending) return pending;
    const readAt = this.#clock();
    const loading = read()
      .then((connections) => {
        const slim = connections.map(({ connectionId, userId, expiresAt }) => ({
          connectionId,
          userId,
          expiresAt,
        }));
        this.#store(roomId, { readAt, connections: slim });
        return slim;
      })
      .finally(() => this.#pending.delete(roomId));
    this.#pending.set(roomId, loading);
    return loading;
  }

  /**
   * Removes a connection found gone from the room's copy. A read of the room still under way may yet return it:
   * its next post then meets 410 again and prunes nothing more (the record is already deleted).
   */
  drop(roomId: string, connectionId: string) {
    const entry = this.#entries.get(roomId);
    if (!entry) return;
    const kept = entry.connections.filter((c) => c.connectionId !== connectionId);
    this.#held -= entry.connections.length - kept.length;
    entry.connections = kept;
  }

  #store(roomId: string, entry: Entry) {
    const previous = this.#entries.get(roomId);
    if (previous) this.#forget(roomId, previous);
    this.#entries.set(roomId, entry);
    this.#held += entry.connections.length;
    // Oldest first; a room larger than the whole budget is not kept at all.
    for (const [oldest, held] of this.#entries) {
      if (this.#held <= this.maxConnections) break;
      this.#forget(oldest, held);
    }
  }

  #forget(roomId: string, entry: Entry) {
    this.#entries.delete(roomId);
    this.#held -= entry.connections.length;
  }
}

/**
 * A room's live connections: from `cache` when given (see CACHEABLE_FRAME_TYPES for when a caller may pass one),
 * else one read of gsi1 (all pages). Records past their expiry are left out either way.
 */
export async function listRoomConnections(
  db: Db,
  { roomId, now = new Date(), cache }: { roomId: string; now?: Date; cache?: ConnectionListCache },
): Promise<ListedConnection[]> {
  if (!cache) return Connection.listByRoom(db, { roomId, now });
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const connections = await cache.load(roomId, () => Connection.listByRoom(db, { roomId, now }));
  return connections.filter((c) => c.expiresAt > nowSeconds);
}

/**
 * Starts the list read of a coming broadcast of a `frameType` frame early, beside a frame's other reads (see
 * realtime/send-chat-message.ts), so the broadcast then finds the list in `cache`. Only into the container's
 * cache and only for a frame type it may serve: however many frames a client sends, refused ones included, the
 * room is then listed at most once per `ttlMs` here. Without a cache it does nothing (the broadcast reads the
 * list itself, after the write); a failed read is left to the broadcast too, which reads again and reports.
 */
export async function warmRoomListing(
  db: Db,
  {
    roomId,
    frameType,
    cache,
  }: { roomId: string; frameType: ServerFrame["type"]; cache: ConnectionListCache | undefined },
): Promise<void> {
  if (!cache || !CACHEABLE_FRAME_TYPES.has(frameType)) return;
  await cache.load(roomId, () => Connection.listByRoom(db, { roomId })).catch(() => undefined);
}

/** The cache a broadcast of `frame` may use: the delivery's, when the frame may be served from a cached list. */
export const cacheFor = (frame: ServerFrame, cache: ConnectionListCache | undefined) =>
  cache && CACHEABLE_FRAME_TYPES.has(frame.type) ? cache : undefined;
