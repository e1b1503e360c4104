import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import { Connection } from "../connection";
import { ForbiddenError } from "../errors/domain-errors";
import { Membership } from "../membership";
import type { TicketClaims } from "../ticket/ticket";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * `$connect`, after the authorizer consumed the ticket (`claims` is what it said: user, name, room).
 * Re-checks access, because the ticket may be up to 60 s old: a private room the user no longer belongs to is
 * NotFound (404), a room the owner removed them from is Forbidden (403). Joining a public room makes the user
 * a member. Then tells the room `memberJoined`, and only then stores the record: during `$connect` API Gateway
 * answers 410 for the new socket, so a record stored earlier could be met by a concurrent broadcast (another
 * member's join, say) and pruned as gone. The joiner learns who is here from its first `sync`. Last, a
 * removal that raced all this is caught by one more read.
 */
export async function joinRoom({
  db,
  delivery,
  connectionId,
  claims,
}: RealtimeDeps & { claims: TicketClaims }): Promise<RealtimeOutcome> {
  const { roomId, userId, name } = claims;
  const { room, membership, removedAt } = await Membership.access(db, {
    roomId,
    userId,
    knownToRemoved: true,
  });
  if (removedAt) throw new ForbiddenError("You were removed from this room");
  if (!membership) await Membership.join(db, { room, user: { userId, name } });
  else if (membership.name !== name) await Membership.rename(db, { roomId, userId, name });
  const connection = Connection.newRecord({ connectionId, claims });
  const frame = { type: "memberJoined", member: Connection.toMember(connection) } as const;
  const broadcast = await broadcastToRoom(db, { ...delivery, roomId, frame });
  // A removal that landed while this ran listed the user's sockets before this one existed: look again (one
  // strongly consistent Get) before storing the record, which stays the last step (see above).
  if (await Membership.removedSince(db, { roomId, userId, since: removedAt }))
    throw new ForbiddenError("You were removed from this room");
  await Connection.save(db, connection);
  return { roomId, broadcast };
}
