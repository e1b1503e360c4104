import { Connection } from "../connection";
import { failedConditions } from "../db/transaction-outcome";
import { ForbiddenError } from "../errors/domain-errors";
import { defaultLimits } from "../limits/limits";
import { Membership } from "../membership";
import type { TicketClaims } from "../ticket/ticket";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * `$connect`, after the authorizer consumed the ticket (`claims` is what it said: user, name, room).
 * Re-checks access, because the ticket may be up to 60 s old: a private room the user no longer belongs to is
 * NotFound (404), a room the owner removed them from is Forbidden (403). Joining a public room makes the user
 * a member, unless it is full (`limit_reached`, 403 at the handshake; members always get back in). Then stores the record, and that is all: the room hears of the join from the table's stream
 * (packages/core/src/presence), so no work here grows with the room. The record is the last write: during
 * `$connect` API Gateway answers 410 for the new socket, so a record stored earlier could be met by a concurrent
 * broadcast and pruned as gone. It is written in one transaction with a check that the membership still exists,
 * so a removal that raced the access check cannot leave a socket it did not see.
 */
export async function joinRoom({
  db,
  connectionId,
  claims,
  limits = defaultLimits,
}: RealtimeDeps & { claims: TicketClaims }): Promise<RealtimeOutcome> {
  const { roomId, userId, name } = claims;
  const { room, membership, removedAt } = await Membership.access(db, {
    roomId,
    userId,
    knownToRemoved: true,
  });
  if (removedAt) throw new ForbiddenError("You were removed from this room");
  if (!membership) await Membership.join(db, { room, user: { userId, name }, cap: limits.membersPerRoom });
  else if (membership.name !== name) await Membership.rename(db, { roomId, userId, name });
  // The record is stored only while the membership still exists: a removal (or a leave) that landed after the
  // access check listed the user's sockets before this one existed, and must not miss it.
  const { canceled, data } = await db.transaction
    .write(({ connection, membership }) => [
      connection.put(Connection.newRecord({ connectionId, claims })).commit(),
      membership
        .check({ roomId, userId })
        .where((attr, { exists }) => exists(attr.userId))
        .commit(),
    ])
    .go();
  if (canceled && failedConditions(data).includes(1))
    throw new ForbiddenError("You were removed from this room");
  if (canceled) throw new Error(`Storing connection ${connectionId} was cancelled: ${JSON.stringify(data)}`);
  return { roomId };
}
