import { Connection, type ConnectionItem } from "../connection";
import type { Db } from "../db";
import { NotFoundError, UnauthorizedError } from "../errors/domain-errors";
import { defaultLimits, type Limits } from "../limits/limits";
import type { TicketClaims } from "../ticket/ticket";

/**
 * Runs one frame's work for the sender's connection record (the room comes from there, never from the frame),
 * then refreshes the record's expiry. Reading the record is also where the frame is counted against the
 * connection's frame rate limit (Connection.takeFrameToken): past it the frame is refused `rate_limited` before
 * any work. The refresh comes after the work succeeded, so a refused frame writes nothing.
 */
export async function forJoinedConnection<T>(
  { db, connectionId, limits = defaultLimits }: { db: Db; connectionId: string; limits?: Limits },
  work: (connection: ConnectionItem) => Promise<T>,
): Promise<T> {
  const connection = await Connection.takeFrameToken(db, { connectionId, limits });
  const result = await work(connection);
  await Connection.touch(db, { connection });
  return result;
}

/**
 * forJoinedConnection for a flow whose reads need only who is asking and where: `caller` (the authorizer's
 * context, see RealtimeDeps) names the room up front, so `reads` run in the same round trip as the frame token
 * (the record's Get and the rate bucket's write) instead of after it. All of them are awaited, then the frame
 * is checked, then `work` runs: a frame refused (`rate_limited`, a gone or expired connection, an event without
 * authorizer context) writes nothing but its rate bucket, as before; `reads` must only read. A record whose room
 * or user is not the context's is refused as not joined (the gateway and `$connect` wrote both from one ticket).
 * The expiry refresh follows the work; it writes at most once per Connection.REFRESH_AFTER_SECONDS and costs
 * no round trip otherwise.
 */
export async function forAdmittedFrame<R, T>(
  {
    db,
    connectionId,
    limits = defaultLimits,
    caller,
  }: { db: Db; connectionId: string; limits?: Limits; caller: TicketClaims | undefined },
  reads: (caller: TicketClaims) => Promise<R>,
  work: (connection: ConnectionItem, caller: TicketClaims, read: R) => Promise<T>,
): Promise<T> {
  const [token, read] = await Promise.allSettled([
    Connection.takeFrameToken(db, { connectionId, limits }),
    caller ? reads(caller) : Promise.reject(missingContext()),
  ]);
  // The frame's own refusal first (rate_limited, not joined), then a read that failed.
  if (token.status === "rejected") throw token.reason;
  const connection = token.value;
  if (read.status === "rejected") throw read.reason;
  if (!caller) throw missingContext();
  if (connection.roomId !== caller.roomId || connection.userId !== caller.userId)
    throw new NotFoundError("This connection is not joined to this room; reconnect");
  const result = await work(connection, caller, read.value);
  await Connection.touch(db, { connection });
  return result;
}

const missingContext = () =>
  new UnauthorizedError("This connection was not admitted by a ticket; reconnect with ?ticket=");
