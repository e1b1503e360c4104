import * as z from "zod/mini";
import "../errors/english-messages";
import type { Db } from "../db/create-db";
import { ForbiddenError, NotFoundError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema } from "../ids/ids";
import { newSecretToken, SECRET_TOKEN_PATTERN } from "../ids/secret-token";
import { defaultLimits } from "../limits/limits";
import * as Membership from "../membership/membership";
import { newMembership } from "../membership/new-membership";
import type { Room, User } from "../protocol/shapes";
import { toRoom } from "../room/room";

/** Invites last a week unless the owner asks otherwise (1 hour to 30 days). */
export const DEFAULT_INVITE_HOURS = 7 * 24;
export const createInput = z.object({
  roomId: idSchema,
  expiresInHours: z._default(z.number().check(z.int(), z.gte(1), z.lte(720)), DEFAULT_INVITE_HOURS),
});
export const revokeInput = z.object({ roomId: idSchema });
export const codeInput = z.object({
  code: z.string().check(z.regex(SECRET_TOKEN_PATTERN, "must be an invite code")),
});

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
const unknownInvite = () => new NotFoundError("This invite link does not exist, has expired or was revoked");

/** `POST /rooms/{roomId}/invites`: the owner makes a code (128 random bits) that turns its holder into a member. */
export async function create(
  db: Db,
  { input, caller, now = new Date() }: { input: z.input<typeof createInput>; caller: User; now?: Date },
) {
  const { roomId, expiresInHours } = parseInput(createInput, input);
  await Membership.ownerAccess(db, { roomId, userId: caller.userId });
  const expiresAt = epochSeconds(now) + expiresInHours * 3600;
  const code = newSecretToken(16);
  await db.entities.invite
    .create({ code, roomId, createdBy: caller.userId, createdAt: now.toISOString(), expiresAt })
    .go();
  return { code, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

/**
 * `DELETE /rooms/{roomId}/invites`: every invite created until now stops working, in one write to the room
 * (accepting compares the invite's creation time with it), however many codes are out there.
 */
export async function revokeAll(
  db: Db,
  { input, caller, now = new Date() }: { input: z.input<typeof revokeInput>; caller: User; now?: Date },
) {
  const { roomId } = parseInput(revokeInput, input);
  await Membership.ownerAccess(db, { roomId, userId: caller.userId });
  await db.entities.room.patch({ roomId }).set({ invitesRevokedAt: now.toISOString() }).go();
}

/**
 * `POST /invites/{code}`: the caller becomes a member (already one: nothing changes). Unknown, expired or
 * revoked codes are 404 (a removal from a private room revokes every invite made until then); a user the owner
 * removed is readmitted only by an invite created after the removal (an older one: 403).
 */
export async function accept(
  db: Db,
  {
    input,
    caller,
    membersPerRoom = defaultLimits.membersPerRoom,
    now = new Date(),
  }: { input: z.input<typeof codeInput>; caller: User; membersPerRoom?: number; now?: Date },
): Promise<Room> {
  const { code } = parseInput(codeInput, input);
  const { data: invite } = await db.entities.invite.get({ code }).go({ consistent: true });
  if (!invite || invite.expiresAt <= epochSeconds(now)) throw unknownInvite();
  const [{ data: room }, membership, { data: removal }] = await Promise.all([
    db.entities.room.get({ roomId: invite.roomId }).go({ consistent: true }),
    Membership.get(db, { roomId: invite.roomId, userId: caller.userId }),
    db.entities.removal.get({ roomId: invite.roomId, userId: caller.userId }).go({ consistent: true }),
  ]);
  if (!room) throw unknownInvite();
  // Before the revocation check: removing someone from a private room revokes the invites made until then, and
  // the removed user, who knows the room, is told why their old link fails.
  if (!membership && removal && invite.createdAt <= removal.removedAt) {
    throw new ForbiddenError("You were removed from this room; ask its owner for a new invite");
  }
  if (room.invitesRevokedAt && invite.createdAt <= room.invitesRevokedAt) throw unknownInvite();
  const result = toRoom(room);
  if (membership) return result;
  // History is not unread: a new member starts at the room's newest message.
  const item = newMembership({
    roomId: room.roomId,
    user: caller,
    role: "member",
    now,
    readSeq: room.lastSeq,
  });
  // Counted on the room and refused past its member cap (409 limit_reached); a concurrent accept is a no-op.
  await Membership.admit(db, { membership: item, cap: membersPerRoom, deleteRemoval: removal !== null });
  return result;
}
