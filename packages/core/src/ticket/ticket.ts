import * as z from "zod/mini";
import "../errors/english-messages";
import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { ForbiddenError, LimitReachedError, UnauthorizedError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema } from "../ids/ids";
import { newSecretToken, SECRET_TOKEN_PATTERN } from "../ids/secret-token";
import { defaultLimits } from "../limits/limits";
import * as Membership from "../membership/membership";
import type { User } from "../protocol/shapes";
import { refuseOverConnectionCap } from "./connection-cap";
import type { TicketItem } from "./ticket.entity";

export { refuseOverConnectionCap };

/** A ticket opens one socket within 60 seconds of being issued, once. */
export const TICKET_TTL_SECONDS = 60;
export const issueInput = z.object({ roomId: idSchema });
/** What `$connect` may carry: the ticket, and optionally the room the client means (refused if it differs). */
export const consumeInput = z.object({
  ticket: z.string().check(z.regex(SECRET_TOKEN_PATTERN)),
  roomId: z.optional(z.string()),
});

/**
 * What a consumed ticket says: who is connecting, under which name, to which room (the authorizer's context), and
 * `standing`: whether they were a member under that name when the ticket was issued. Only a hint for `$connect`
 * (a member gets in with one transaction that checks the membership; a newcomer goes straight to the access
 * check and the join): it grants nothing. A string, as API Gateway's authorizer context carries it.
 */
export const claimsSchema = z.object({
  userId: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  roomId: idSchema,
  standing: z.optional(z.enum(["member", "newcomer"])),
});
export type TicketClaims = z.infer<typeof claimsSchema>;

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * `POST /rooms/{roomId}/tickets`: a single-use ticket for a room the caller may join: a public room (joining
 * makes them a member) or a private room they belong to. A private room they are not in is 404 (it does not
 * exist for them); a room the owner removed them from is 403. A public room already at `membersPerRoom` refuses a
 * newcomer here (`limit_reached`, 409), where a browser can read why, rather than only at the handshake (403);
 * its members always get tickets. So is a user who already holds `connectionsPerUserInRoom` live sockets in the
 * room (checked again at `$connect`, since tickets can be taken ahead).
 */
export async function issue(
  db: Db,
  {
    input,
    caller,
    now = new Date(),
    membersPerRoom = defaultLimits.membersPerRoom,
    connectionsPerUserInRoom = defaultLimits.connectionsPerUserInRoom,
  }: {
    input: z.input<typeof issueInput>;
    caller: User;
    now?: Date;
    membersPerRoom?: number;
    connectionsPerUserInRoom?: number;
  },
) {
  const { roomId } = parseInput(issueInput, input);
  const { userId } = caller;
  // Both reads at once; the cap's refusal waits for the access check, so a non-member of a private room gets 404.
  const capCheck = refuseOverConnectionCap(db, { roomId, userId, cap: connectionsPerUserInRoom, now }).then(
    () => null,
    (error: unknown) => error,
  );
  const { membership, removedAt } = await Membership.access(db, { roomId, userId, knownToRemoved: true });
  if (removedAt) throw new ForbiddenError("You were removed from this room");
  const overCap = await capCheck;
  if (overCap) throw overCap;
  if (!membership && (await memberCount(db, roomId)) >= membersPerRoom)
    throw new LimitReachedError(`This room is full (${membersPerRoom} members); ask its owner to make room`);
  const ticket = newSecretToken(32);
  const expiresAt = epochSeconds(now) + TICKET_TTL_SECONDS;
  const standing = membership?.name === caller.name ? "member" : "newcomer";
  await db.entities.ticket
    .create({ ticket, roomId, userId: caller.userId, name: caller.name, expiresAt, standing })
    .go();
  return { ticket, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

/** The room's counted members (the count the join transaction checks against the cap). */
async function memberCount(db: Db, roomId: string): Promise<number> {
  const { data } = await db.entities.room.get({ roomId }).go({ attributes: ["memberCount"] });
  return data?.memberCount ?? 0;
}

/**
 * Uses a ticket up: one DeleteItem returning the old item, so a replay (or a second handshake racing the
 * first) finds nothing. Unknown, used, expired, malformed, or meant for another room → UnauthorizedError.
 */
export async function consume(
  db: Db,
  { input, now = new Date() }: { input: Record<string, unknown>; now?: Date },
): Promise<TicketClaims> {
  const parsed = consumeInput.safeParse(input);
  if (!parsed.success) throw new UnauthorizedError("The connect ticket is not valid");
  const { ticket, roomId } = parsed.data;
  let data: TicketItem | null | undefined;
  try {
    ({ data } = await db.entities.ticket.remove({ ticket }).go({ response: "all_old" }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  if (!data || data.expiresAt <= epochSeconds(now))
    throw new UnauthorizedError("The connect ticket is unknown, used or expired");
  if (roomId !== undefined && roomId !== data.roomId)
    throw new UnauthorizedError("The connect ticket is for another room");
  const { userId, name, standing } = data;
  return { userId, name, roomId: data.roomId, ...(standing && { standing }) };
}
