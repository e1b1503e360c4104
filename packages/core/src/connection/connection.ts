import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { NotFoundError } from "../errors/domain-errors";
import { newId } from "../ids/ids";
import { type Limits, TYPING_INTERVAL_MS } from "../limits/limits";
import type { Member } from "../protocol/shapes";
import * as RateLimit from "../rate-limit/rate-limit";
import type { TicketClaims } from "../ticket/ticket";
import type { ConnectionItem } from "./connection.entity";

/** API Gateway closes a socket after 10 idle minutes; a record outlives that by 5 minutes, then TTL removes it. */
export const IDLE_TTL_SECONDS = 15 * 60;
/** API Gateway's 2-hour maximum connection duration, plus the same margin. */
export const MAX_LIFETIME_SECONDS = 2 * 60 * 60 + 5 * 60;
/** A frame refreshes the expiry only when it is at least this stale, so chatty clients cost no extra writes. */
export const REFRESH_AFTER_SECONDS = 5 * 60;

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export const toMember = ({ memberId, userId, name, connectedAt }: ConnectionItem): Member => ({
  memberId,
  userId,
  name,
  connectedAt,
});

function expiryAt(connectedAt: Date, now: Date) {
  return Math.min(epochSeconds(now) + IDLE_TTL_SECONDS, epochSeconds(connectedAt) + MAX_LIFETIME_SECONDS);
}

/**
 * The record of a connection admitted by its ticket (user, name and room come from the ticket, never from the
 * client). Not written here: `$connect` stores it last (see realtime/join-room.ts), so the record never exists
 * while the socket cannot be reached yet.
 */
export function newRecord({
  connectionId,
  claims,
  now = new Date(),
}: {
  connectionId: string;
  claims: TicketClaims;
  now?: Date;
}): ConnectionItem {
  const { userId, name, roomId } = claims;
  return {
    connectionId,
    roomId,
    userId,
    name,
    memberId: newId(now.getTime()),
    connectedAt: now.toISOString(),
    expiresAt: expiryAt(now, now),
  };
}

/** Stores an admitted connection record. */
export async function save(db: Db, connection: ConnectionItem): Promise<void> {
  await db.entities.connection.put(connection).go();
}

/** Reads a live connection record; null when it is missing or past its expiry (TTL deletion lags). */
export async function get(db: Db, { connectionId, now = new Date() }: { connectionId: string; now?: Date }) {
  const { data } = await db.entities.connection.get({ connectionId }).go({ consistent: true });
  return data && data.expiresAt > epochSeconds(now) ? data : null;
}

/**
 * A frame's read of its sender's record, with the frame counted against the connection's frame rate limit: the
 * GetItem every frame makes and one conditional write on the connection's own bucket item
 * (rate-limit/rate-limit.ts), side by side, so the limit adds no round trip. The bucket is not kept on the
 * record because the record is projected into gsi1: a write there costs twice (table and index) and lands in
 * the room's index partition, which every frame of a large room would then heat. A gone or expired connection
 * is a NotFoundError; an empty bucket is a RateLimitedError with `retryAfterMs`, and the frame writes nothing
 * else.
 */
export async function takeFrameToken(
  db: Db,
  { connectionId, limits, now = new Date() }: { connectionId: string; limits: Limits; now?: Date },
): Promise<ConnectionItem> {
  const [connection] = await Promise.all([
    get(db, { connectionId, now }),
    RateLimit.take(db, { name: "frames", key: connectionId, limits, now }),
  ]);
  if (!connection) throw notJoined();
  return connection;
}

const notJoined = () => new NotFoundError("This connection is not joined to a room; reconnect");

/**
 * Deletes a connection record and returns what was deleted, or null if it was already gone. The returned
 * old item is atomic, so of several concurrent removals exactly one sees the record (and announces the leave).
 */
export async function remove(
  db: Db,
  { connectionId }: { connectionId: string },
): Promise<ConnectionItem | null> {
  try {
    const { data } = await db.entities.connection.remove({ connectionId }).go({ response: "all_old" });
    return data ?? null;
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
}

/** Pushes the expiry forward on activity, at most once per REFRESH_AFTER_SECONDS. Returns whether it wrote. */
export async function touch(
  db: Db,
  { connection, now = new Date() }: { connection: ConnectionItem; now?: Date },
) {
  const next = expiryAt(new Date(connection.connectedAt), now);
  if (next - connection.expiresAt < REFRESH_AFTER_SECONDS) return false;
  try {
    await db.entities.connection
      .patch({ connectionId: connection.connectionId })
      .set({ expiresAt: next })
      .go();
    return true;
  } catch (error) {
    // The connection was removed meanwhile; nothing to refresh.
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Takes this connection's typing slot: true (and `typingAt` written) when its last forwarded `typing` is at
 * least TYPING_INTERVAL_MS old. The write is conditional on the value read, so two frames racing forward one.
 */
export async function claimTyping(
  db: Db,
  { connection, now = new Date() }: { connection: ConnectionItem; now?: Date },
) {
  const previous = connection.typingAt;
  if (previous !== undefined && now.getTime() - previous < TYPING_INTERVAL_MS) return false;
  try {
    await db.entities.connection
      .patch({ connectionId: connection.connectionId })
      .set({ typingAt: now.getTime() })
      .where((attr, { eq, notExists }) =>
        previous === undefined ? notExists(attr.typingAt) : eq(attr.typingAt, previous),
      )
      .go();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Every live connection of a room, page by page (a room may exceed one 1 MB Query page). */
export async function* pagesByRoom(
  db: Db,
  { roomId, now = new Date(), pageSize }: { roomId: string; now?: Date; pageSize?: number },
): AsyncGenerator<ConnectionItem[]> {
  const nowSeconds = epochSeconds(now);
  let cursor: string | null = null;
  do {
    const page: { data: ConnectionItem[]; cursor: string | null } = await db.entities.connection.query
      .byRoom({ roomId })
      .where((attr, { gt }) => gt(attr.expiresAt, nowSeconds))
      .go({ cursor, ...(pageSize && { limit: pageSize }) });
    if (page.data.length) yield page.data;
    cursor = page.cursor;
  } while (cursor);
}

/** Every live connection of a room, all pages collected. */
export async function listByRoom(db: Db, input: { roomId: string; now?: Date; pageSize?: number }) {
  const all: ConnectionItem[] = [];
  for await (const page of pagesByRoom(db, input)) all.push(...page);
  return all;
}

/** One user's live connections in a room (a key range on gsi1: the room's connections sorted by user). */
export async function listOfUser(
  db: Db,
  { roomId, userId, now = new Date() }: { roomId: string; userId: string; now?: Date },
) {
  const { data } = await db.entities.connection.query
    .byRoom({ roomId, userId })
    .where((attr, { gt }) => gt(attr.expiresAt, epochSeconds(now)))
    .go({ pages: "all" });
  return data.filter((connection) => connection.userId === userId);
}

/** Who is in the room now: live connections only, in join order. */
export async function members(db: Db, input: { roomId: string; now?: Date }): Promise<Member[]> {
  const connections = await listByRoom(db, input);
  return connections.map(toMember).sort((a, b) => a.memberId.localeCompare(b.memberId));
}
