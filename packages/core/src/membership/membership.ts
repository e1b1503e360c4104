import * as z from "zod/mini";
import "../errors/english-messages";
import { fullJitterDelayMs } from "../broadcast/full-jitter-backoff";
import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { userIdSchema } from "../identity/user-id";
import { idSchema } from "../ids/ids";
import { defaultLimits } from "../limits/limits";
import type { MyRoom, Room, RoomMember, User } from "../protocol/shapes";
import { getWithTodos, limitSchema, roomIdInput, toRoom } from "../room/room";
import type { RoomItem } from "../room/room.entity";
import { admit, dismiss } from "./admit-member";
import type { MembershipItem } from "./membership.entity";
import { newMembership } from "./new-membership";

export const membersInput = z.object({
  roomId: idSchema,
  limit: limitSchema,
  cursor: z.optional(userIdSchema),
});
export const myRoomsInput = z.object({ limit: limitSchema, cursor: z.optional(idSchema) });
/** `DELETE /rooms/{roomId}/members/{userId}`: a userId, or `me` for the caller. */
export const removeInput = z.object({ roomId: idSchema, userId: z.union([z.literal("me"), userIdSchema]) });

export const toRoomMember = ({ userId, name, role, joinedAt }: MembershipItem): RoomMember => ({
  userId,
  name,
  role,
  joinedAt,
});

/** What the caller may do in a room: the room, and their membership (null when not a member). */
export interface RoomAccess {
  room: Room;
  membership: MembershipItem | null;
  /** Removed by the owner: tickets refused (403) until a newer invite readmits them. */
  removedAt: string | null;
}

const notFound = (roomId: string) => new NotFoundError(`Room ${roomId} does not exist`);

/** The caller's membership of a room, read strongly consistent (a join or removal just now counts). */
export async function get(db: Db, { roomId, userId }: { roomId: string; userId: string }) {
  const { data } = await db.entities.membership.get({ roomId, userId }).go({ consistent: true });
  return data ?? null;
}

/**
 * Reads the room, the caller's membership and any removal in parallel (three Gets, one round trip) and
 * applies the visibility rule: a private room is NotFound to a non-member, exactly like a room that does
 * not exist, so its existence does not leak. `knownToRemoved`: a user the owner removed knows the room
 * exists, so where the contract answers them 403 (tickets, joining) the room stays visible to them.
 */
export async function access(
  db: Db,
  { roomId, userId, knownToRemoved = false }: { roomId: string; userId: string; knownToRemoved?: boolean },
): Promise<RoomAccess> {
  const [{ data: room }, membership, { data: removal }] = await Promise.all([
    db.entities.room.get({ roomId }).go(),
    get(db, { roomId, userId }),
    db.entities.removal.get({ roomId, userId }).go({ consistent: true }),
  ]);
  const removedAt = removal?.removedAt ?? null;
  const visible = room && (room.visibility === "public" || membership || (knownToRemoved && removedAt));
  if (!room || !visible) throw notFound(roomId);
  return { room: toRoom(room), membership, removedAt };
}

/** `access`, then the owner role: a member (or a non-member of a public room) without it gets 403. */
export async function ownerAccess(db: Db, input: { roomId: string; userId: string }): Promise<RoomAccess> {
  const found = await access(db, input);
  if (found.membership?.role !== "owner") throw new ForbiddenError("Only the room's owner may do that");
  return found;
}

/**
 * `GET /rooms/{roomId}`: the room, its todos (at most `maxTodos`: a bounded Query), and the caller's role (null:
 * not a member of a public room). Two reads at once, each bounded, whatever the room holds.
 */
export async function roomView(
  db: Db,
  {
    input,
    caller,
    maxTodos = defaultLimits.todosPerRoom,
  }: { input: z.input<typeof roomIdInput>; caller: User; maxTodos?: number },
) {
  const { roomId } = parseInput(roomIdInput, input);
  const [{ membership }, { room, todos }] = await Promise.all([
    access(db, { roomId, userId: caller.userId }),
    getWithTodos(db, { roomId }, { maxTodos }),
  ]);
  return { room, todos, role: membership?.role ?? null };
}

/** Keeps the member list's name current after a rename (the name in the ticket is the one that counts). */
export async function rename(
  db: Db,
  { roomId, userId, name }: { roomId: string; userId: string; name: string },
) {
  try {
    await db.entities.membership.patch({ roomId, userId }).set({ name }).go();
  } catch (error) {
    // Removed or left meanwhile: nothing to rename.
    if (!isConditionFailure(error)) throw error;
  }
}

/** True when the owner removed `userId` from the room after `since` (null: any removal counts). */
export async function removedSince(
  db: Db,
  { roomId, userId, since }: { roomId: string; userId: string; since: string | null },
) {
  const { data } = await db.entities.removal.get({ roomId, userId }).go({ consistent: true });
  return data !== null && (since === null || data.removedAt > since);
}

/**
 * Makes `user` a member of a public room they are joining (a no-op when they already are: the first join
 * wins and keeps its role and joinedAt), counted against the room's `cap` (LimitReachedError when full).
 * Returns the membership as stored.
 */
export async function join(
  db: Db,
  {
    room,
    user,
    cap = defaultLimits.membersPerRoom,
    now = new Date(),
  }: { room: Room; user: User; cap?: number; now?: Date },
) {
  const { roomId } = room;
  // History is not unread: a new member starts at the room's newest message.
  const item = newMembership({ roomId, user, role: "member", now, readSeq: room.lastSeq });
  if (await admit(db, { membership: item, cap })) return item;
  return (await get(db, { roomId, userId: user.userId })) ?? item;
}

/** One page of a room's members (memberships, not connections), by userId; readable by who may read the room. */
export async function list(db: Db, { input, caller }: { input: z.input<typeof membersInput>; caller: User }) {
  const { roomId, limit, cursor } = parseInput(membersInput, input);
  await access(db, { roomId, userId: caller.userId });
  const query = db.entities.membership.query.byRoom({ roomId });
  const { data } = await (cursor ? query.gt({ userId: cursor }) : query).go({ limit: limit + 1 });
  const members = data.slice(0, limit).map(toRoomMember);
  return { members, cursor: data.length > limit ? (members.at(-1)?.userId ?? null) : null };
}

export { admit, dismiss } from "./admit-member";

/** A BatchGetItem answer may hold back keys (throttling, 16 MB): they are asked for again, a few times. */
const BATCH_GET_ATTEMPTS = 5;

async function getRooms(db: Db, roomIds: string[]) {
  const found: RoomItem[] = [];
  let keys = roomIds.map((roomId) => ({ roomId }));
  for (let attempt = 0; keys.length && attempt < BATCH_GET_ATTEMPTS; attempt++) {
    if (attempt)
      await new Promise((resolve) =>
        setTimeout(resolve, fullJitterDelayMs(attempt - 1, { baseDelayMs: 20, maxDelayMs: 500 })),
      );
    const { data, unprocessed } = await db.entities.room.get(keys).go();
    found.push(...data);
    keys = unprocessed.map(({ roomId }) => ({ roomId }));
  }
  if (keys.length)
    throw new Error(
      `BatchGetItem left ${keys.length} room(s) unprocessed after ${BATCH_GET_ATTEMPTS} attempts`,
    );
  return found;
}

/**
 * "My rooms", most recent activity first, with unread counts: every membership of the caller (one Query on
 * gsi1, paged by DynamoDB only past 1 MB), then their rooms (BatchGetItem, 100 per call). `unread` is the room's
 * `lastSeq` minus the member's `readSeq` (their own messages move `readSeq`, so they never count);
 * `unreadMentions` counts mention seqs above `readSeq`. Activity order needs every room's `lastMessageAt`, so
 * the page is cut after sorting; the cursor is the last roomId of the page. Cost grows with the number of
 * rooms a user belongs to (not with room sizes): 0.5 RCU per room per call.
 */
export async function listMine(
  db: Db,
  { input, caller }: { input: z.input<typeof myRoomsInput>; caller: User },
) {
  const { limit, cursor } = parseInput(myRoomsInput, input);
  const { data: memberships } = await db.entities.membership.query
    .byUser({ userId: caller.userId })
    .go({ pages: "all" });
  const rooms = new Map<string, RoomItem>();
  for (let i = 0; i < memberships.length; i += 100) {
    for (const room of await getRooms(
      db,
      memberships.slice(i, i + 100).map(({ roomId }) => roomId),
    ))
      rooms.set(room.roomId, room);
  }
  const mine: MyRoom[] = memberships.flatMap(({ roomId, role, readSeq, mentionSeqs }) => {
    const room = rooms.get(roomId);
    if (!room) return [];
    const unread = Math.max(0, room.lastSeq - readSeq);
    const unreadMentions = (mentionSeqs ?? []).filter((seq) => seq > readSeq).length;
    return [{ ...toRoom(room), role, unread, unreadMentions }];
  });
  const activity = (room: MyRoom) => room.lastMessageAt ?? room.createdAt;
  mine.sort((a, b) => activity(b).localeCompare(activity(a)) || b.roomId.localeCompare(a.roomId));
  const start = cursor ? mine.findIndex((room) => room.roomId === cursor) + 1 : 0;
  const page = mine.slice(start, start + limit);
  return { rooms: page, cursor: start + limit < mine.length ? (page.at(-1)?.roomId ?? null) : null };
}

/**
 * Moves a member's read position forward to `seq` and drops the mentions it passes. Never backwards (an
 * older `seq` changes nothing: returns false); a `seq` the room does not have yet is refused. Optimistic: the
 * write is conditional on the position and the mentions read, and retried if another tab of the same user moved
 * it meanwhile, or a message sent or deleted meanwhile changed the mentions (so neither is undone).
 */
export async function markRead(
  db: Db,
  { roomId, userId, seq }: { roomId: string; userId: string; seq: number },
): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [{ data: room }, member] = await Promise.all([
      db.entities.room.get({ roomId }).go({ consistent: true }),
      get(db, { roomId, userId }),
    ]);
    if (!room || !member) throw new ForbiddenError("You are no longer a member of this room");
    if (seq > room.lastSeq) {
      throw new ValidationError(
        `Invalid markRead frame: seq: ${seq} is ahead of the room's last seq ${room.lastSeq}`,
        [{ path: ["seq"], message: "must not be ahead of the room's last seq" }],
      );
    }
    if (seq <= member.readSeq) return false;
    try {
      await db.entities.membership
        .patch({ roomId, userId })
        .set({ readSeq: seq, mentionSeqs: (member.mentionSeqs ?? []).filter((mention) => mention > seq) })
        .where(
          (attr, { eq, notExists }) =>
            `${eq(attr.readSeq, member.readSeq)} AND ${member.mentionSeqs ? eq(attr.mentionSeqs, member.mentionSeqs) : notExists(attr.mentionSeqs)}`,
        )
        .go();
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return false;
}

/** Who a removal ends and how: `removed` when the owner removed them (a ban), false when they left. */
export interface Dismissal {
  userId: string;
  removed: boolean;
}

/**
 * Ends a membership. The owner may remove anyone else (a removal: later tickets 403, old invites do not
 * readmit); anyone may leave with `me` (not a removal). The owner cannot remove or leave themselves (409).
 * Removing someone from a private room also revokes every invite made until then, in the same transaction
 * (invite links are bearer secrets: a removed user with a new guest identity must not walk back in with one);
 * the owner makes a new link afterwards. Public rooms keep their invites (anyone may join them anyway).
 * `beforeWrite` runs once every check passed and before the transaction (a refused removal never calls it; if it
 * throws, nothing is written). Returns the userId whose membership ended, or null when the caller left a public
 * room they were not in.
 */
export async function remove(
  db: Db,
  {
    input,
    caller,
    now = new Date(),
    beforeWrite,
  }: {
    input: z.input<typeof removeInput>;
    caller: User;
    now?: Date;
    beforeWrite?: (dismissal: Dismissal) => Promise<void>;
  },
) {
  const { roomId, userId } = parseInput(removeInput, input);
  const found = await access(db, { roomId, userId: caller.userId });
  const target = userId === "me" ? caller.userId : userId;
  if (target === caller.userId) {
    if (found.membership?.role === "owner")
      throw new ConflictError("The owner cannot leave or remove themselves", null);
    if (!found.membership) return null;
    await beforeWrite?.({ userId: target, removed: false });
    await dismiss(db, { roomId, userId: target });
    return target;
  }
  if (found.membership?.role !== "owner")
    throw new ForbiddenError("Only the room's owner may remove members");
  const member = await get(db, { roomId, userId: target });
  if (!member) throw new NotFoundError(`User ${target} is not a member of this room`);
  await beforeWrite?.({ userId: target, removed: true });
  const revokeInvites = found.room.visibility === "private";
  if (!(await dismiss(db, { roomId, userId: target, removedAt: now.toISOString(), revokeInvites })))
    throw new NotFoundError(`User ${target} is not a member of this room`);
  return target;
}
