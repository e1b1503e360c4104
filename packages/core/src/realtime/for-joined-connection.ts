import { Connection, type ConnectionItem } from "../connection";
import type { Db } from "../db";
import { ForbiddenError, NotFoundError } from "../errors/domain-errors";
import { defaultLimits, type Limits } from "../limits/limits";
import { Membership, type MembershipItem } from "../membership";
import type { TicketClaims } from "../ticket/ticket";

/**
 * Runs one frame's work for the sender's connection record (the room comes from there, never from the frame),
 * then refreshes the record's expiry. Reading the record is also where the frame is counted against the
 * connection's frame rate limit (Connection.takeFrameToken): past it the frame is refused `rate_limited` before
 * any work. The refresh comes after the work succeeded, so a refused frame writes nothing.
 *
 * The record alone does not admit a frame: a removal may have missed a socket (gsi1 lags; a close may fail), and
 * its record would outlive the membership. So the sender's membership is read too (strongly consistent), beside
 * the record in the same round trip, keyed by the authorizer's context (`caller`: who and where, attached by API
 * Gateway to every event of the connection); a non-member is refused `forbidden`, as sendMessage refuses them.
 * An event without the context (never from API Gateway) reads the membership after the record. `work` gets the
 * membership as read, so it need not read it again.
 */
export async function forJoinedConnection<T>(
  {
    db,
    connectionId,
    limits = defaultLimits,
    caller,
  }: { db: Db; connectionId: string; limits?: Limits; caller?: TicketClaims },
  work: (connection: ConnectionItem, membership: MembershipItem) => Promise<T>,
): Promise<T> {
  const { connection, membership } = await admittedConnection(db, { connectionId, limits, caller });
  const result = await work(connection, membership);
  await Connection.touch(db, { connection });
  return result;
}

async function admittedConnection(
  db: Db,
  { connectionId, limits, caller }: { connectionId: string; limits: Limits; caller?: TicketClaims },
): Promise<{ connection: ConnectionItem; membership: MembershipItem }> {
  const [connection, membership] = caller
    ? await Promise.all([
        Connection.takeFrameToken(db, { connectionId, limits }),
        Membership.get(db, { roomId: caller.roomId, userId: caller.userId }),
      ])
    : await Connection.takeFrameToken(db, { connectionId, limits }).then(
        async (connection) => [connection, await Membership.get(db, connection)] as const,
      );
  if (caller && (caller.roomId !== connection.roomId || caller.userId !== connection.userId))
    throw new NotFoundError("This connection is not joined to a room; reconnect");
  if (!membership) throw new ForbiddenError("You are no longer a member of this room");
  return { connection, membership };
}
