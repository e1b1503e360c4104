import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { NotFoundError } from "../errors/domain-errors";
import { newId } from "../ids/ids";
import { type RateLimitSetting, TYPING_INTERVAL_MS } from "../limits/limits";
import type { Member } from "../protocol/shapes";
import { type ConditionalWrite, takeToken } from "../rate-limit/gcra";
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
 * A frame's read of its sender's record, with the frame rate limit folded in: one conditional UpdateItem that
 * takes a token from the bucket kept on the record (`frameTat`) and returns the record (ALL_NEW), where a plain
 * read was a GetItem; a second one during a burst (see rate-limit/gcra.ts). A gone or expired connection is a NotFoundError (the update requires the record, so it is never
 * recreated); an empty bucket is a RateLimitedError with `retryAfterMs`, and nothing is written.
 */
export async function takeFrameToken(
  db: Db,
  { connectionId, limit, now = new Date() }: { connectionId: string; limit: RateLimitSetting; now?: Date },
): Promise<ConnectionItem> {
  const outcome = (result: { rejected: boolean; data: ConnectionItem | null }) =>
    (result.rejected
      ? { written: false, record: result.data }
      : { written: true, record: result.data }) as ConditionalWrite<ConnectionItem>;
  const nowMs = now.getTime();
  const connection = await takeToken(
    {
      // `patch` adds attribute_exists: a gone connection's record is never recreated.
      writeIfFull: async (next) =>
        outcome(
          await db.entities.connection
            .patch({ connectionId })
            .set({ frameTat: next })
            .where(
              (attr, { notExists, lte }) => `(${notExists(attr.frameTat)} OR ${lte(attr.frameTat, nowMs)})`,
            )
            .go({ response: "all_new", returnOnConditionCheckFailure: "all_old" }),
        ),
      addIfTokenLeft: async (interval, _now, latest) =>
        outcome(
          await db.entities.connection
            .patch({ connectionId })
            .add({ frameTat: interval })
            .where((attr, { gt, lte }) => `${gt(attr.frameTat, nowMs)} AND ${lte(attr.frameTat, latest)}`)
            .go({ response: "all_new", returnOnConditionCheckFailure: "all_old" }),
        ),
      tatOf: (record) => record.frameTat,
    },
    { limit, now: nowMs, refusal: "Too many frames on this connection; slow down" },
  );
  if (!connection || connection.expiresAt <= epochSeconds(now)) throw notJoined();
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
