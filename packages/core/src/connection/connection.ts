import { z } from "zod";
import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { NotFoundError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema, newId } from "../ids/ids";
import type { Member } from "../protocol/shapes";
import * as Room from "../room/room";
import type { ConnectionItem } from "./connection.entity";

/** API Gateway closes a socket after 10 idle minutes; a record outlives that by 5 minutes, then TTL removes it. */
export const IDLE_TTL_SECONDS = 15 * 60;
/** API Gateway's 2-hour maximum connection duration, plus the same margin. */
export const MAX_LIFETIME_SECONDS = 2 * 60 * 60 + 5 * 60;
/** A frame refreshes the expiry only when it is at least this stale, so chatty clients cost no extra writes. */
export const REFRESH_AFTER_SECONDS = 5 * 60;

export const displayName = z.string().trim().min(1).max(40);
export const connectInput = z.object({ connectionId: z.string().min(1), roomId: idSchema, name: displayName });

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

export const toMember = ({ memberId, name, connectedAt }: ConnectionItem): Member => ({ memberId, name, connectedAt });

function expiryAt(connectedAt: Date, now: Date) {
  return Math.min(epochSeconds(now) + IDLE_TTL_SECONDS, epochSeconds(connectedAt) + MAX_LIFETIME_SECONDS);
}

/**
 * Checks a join (valid name, existing room: NotFoundError otherwise) and builds the record, without writing it.
 * `$connect` stores it last (see realtime/join-room.ts), so the record never exists while the socket cannot
 * be reached yet.
 */
export async function admit(db: Db, input: z.input<typeof connectInput>, now = new Date()): Promise<ConnectionItem> {
  const { connectionId, roomId, name } = parseInput(connectInput, input);
  await Room.get(db, { roomId });
  return { connectionId, roomId, name, memberId: newId(now.getTime()), connectedAt: now.toISOString(), expiresAt: expiryAt(now, now) };
}

/** Stores an admitted connection record. */
export async function save(db: Db, connection: ConnectionItem): Promise<void> {
  await db.entities.connection.put(connection).go();
}

/** Admits and stores a connection in one step. */
export async function connect(db: Db, input: z.input<typeof connectInput>, now = new Date()): Promise<ConnectionItem> {
  const connection = await admit(db, input, now);
  await save(db, connection);
  return connection;
}

/** Reads a live connection record; null when it is missing or past its expiry (TTL deletion lags). */
export async function get(db: Db, { connectionId, now = new Date() }: { connectionId: string; now?: Date }) {
  const { data } = await db.entities.connection.get({ connectionId }).go({ consistent: true });
  return data && data.expiresAt > epochSeconds(now) ? data : null;
}

/** Like `get`, but a missing connection is a NotFoundError. */
export async function getJoined(db: Db, input: { connectionId: string; now?: Date }): Promise<ConnectionItem> {
  const connection = await get(db, input);
  if (!connection) throw new NotFoundError("This connection is not joined to a room; reconnect");
  return connection;
}

/**
 * Deletes a connection record and returns what was deleted, or null if it was already gone. The returned
 * old item is atomic, so of several concurrent removals exactly one sees the record (and announces the leave).
 */
export async function remove(db: Db, { connectionId }: { connectionId: string }): Promise<ConnectionItem | null> {
  try {
    const { data } = await db.entities.connection.remove({ connectionId }).go({ response: "all_old" });
    return data ?? null;
  } catch (error) {
    if (isConditionFailure(error)) return null;
    throw error;
  }
}

/** Pushes the expiry forward on activity, at most once per REFRESH_AFTER_SECONDS. Returns whether it wrote. */
export async function touch(db: Db, { connection, now = new Date() }: { connection: ConnectionItem; now?: Date }) {
  const next = expiryAt(new Date(connection.connectedAt), now);
  if (next - connection.expiresAt < REFRESH_AFTER_SECONDS) return false;
  try {
    await db.entities.connection.patch({ connectionId: connection.connectionId }).set({ expiresAt: next }).go();
    return true;
  } catch (error) {
    // The connection was removed meanwhile; nothing to refresh.
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

/** Who is in the room now: live connections only, in join order. */
export async function members(db: Db, input: { roomId: string; now?: Date }): Promise<Member[]> {
  const connections = await listByRoom(db, input);
  return connections.map(toMember).sort((a, b) => a.memberId.localeCompare(b.memberId));
}
