import { Connection } from "../connection";
import { failedConditions, isRetryableCancellation } from "../db/transaction-outcome";
import { ForbiddenError } from "../errors/domain-errors";
import { defaultLimits } from "../limits/limits";
import { Membership } from "../membership";
import { refuseOverConnectionCap, type TicketClaims } from "../ticket/ticket";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/** `$connect` posts to nobody: it needs no `delivery` (the handler loads no @connections client for it). */
type JoinDeps = Omit<RealtimeDeps, "delivery"> & Partial<Pick<RealtimeDeps, "delivery">>;

/**
 * `$connect`, after the authorizer consumed the ticket (`claims` is what it said: user, name, room).
 *
 * The common case, a member coming back under the same name (a reload, another tab, a reconnect), is one
 * round trip (the socket cap's Query runs beside it, below): the connection record is put in one transaction with a check
 * that the membership exists under the ticket's name. A membership exists only while its user is admitted: a
 * removal deletes it in the same transaction that records the ban, and a private room has no other members, so
 * the check is the access rule.
 *
 * The ticket says whether the user was a member under that name when it was issued (`standing`, a hint that
 * grants nothing): a newcomer skips that transaction. When the check fails (a first join, a rename, a removal,
 * a non-member of a private room) or meets contention (another transaction on the membership, e.g. the user's
 * own send in another tab), the slow path re-checks access, because the ticket may be up to 60 s old: a
 * private room the user no longer belongs to is NotFound (404), a room the owner removed them from is Forbidden
 * (403). Joining a public room makes the user a member, unless it is full (`limit_reached`, 403 at the
 * handshake; members always get back in); a new name is written to the membership. Then the same transaction
 * stores the record.
 *
 * A user who already holds `connectionsPerUserInRoom` live sockets in the room is refused (`limit_reached`, 403
 * at the handshake): one key-range Query of their own records, whatever the path, run beside the join so that a
 * join storm's `$connect`s stay one round trip (join-storm reliability test). Over the cap, the record just
 * stored is deleted again before the refusal, so the room may hear that socket come and go (only past the cap).
 *
 * Nothing here grows with the room: the room hears of the join from the table's stream
 * (packages/core/src/presence). The record is the last write: during `$connect` API Gateway answers 410 for the
 * new socket, so a record stored earlier could be met by a concurrent broadcast and pruned as gone. Its
 * membership check also means that a removal racing the access check cannot leave a socket it did not see.
 */
export async function joinRoom({
  db,
  connectionId,
  claims,
  limits = defaultLimits,
}: JoinDeps & { claims: TicketClaims }): Promise<RealtimeOutcome> {
  const { roomId, userId } = claims;
  const capCheck = refuseOverConnectionCap(db, {
    roomId,
    userId,
    cap: limits.connectionsPerUserInRoom,
    except: connectionId,
  });
  capCheck.catch(() => {}); // awaited below: a refusal that comes first is not an unhandled rejection
  let outcome: RealtimeOutcome;
  try {
    outcome = await admit({ db, connectionId, claims, limits });
  } catch (error) {
    await capCheck.catch(() => {});
    throw error;
  }
  try {
    await capCheck;
  } catch (error) {
    await Connection.remove(db, { connectionId });
    throw error;
  }
  return outcome;
}

/** `$connect`'s admission and record, as described on joinRoom. */
async function admit({
  db,
  connectionId,
  claims,
  limits,
}: Pick<JoinDeps, "db" | "connectionId"> & { claims: TicketClaims; limits: typeof defaultLimits }) {
  const { roomId, userId, name } = claims;
  // A newcomer's ticket skips the transaction that would only find no membership.
  if (claims.standing !== "newcomer" && (await storeConnection(db, { connectionId, claims })) === "stored")
    return { roomId };
  const { membership, room, removedAt } = await Membership.access(db, {
    roomId,
    userId,
    knownToRemoved: true,
  });
  if (removedAt) throw new ForbiddenError("You were removed from this room");
  if (!membership) await Membership.join(db, { room, user: { userId, name }, cap: limits.membersPerRoom });
  else if (membership.name !== name) await Membership.rename(db, { roomId, userId, name });
  // A removal (or a leave) that landed after the access check listed the user's sockets before this one existed,
  // and must not miss it: the record is stored only while the membership still exists.
  const stored = await storeConnection(db, { connectionId, claims }, { sameName: false });
  if (stored === "no membership") throw new ForbiddenError("You were removed from this room");
  if (stored === "contention") throw new Error(`Storing connection ${connectionId} met contention twice`);
  return { roomId };
}

/**
 * Puts the connection record in one transaction with a check that the user's membership of the room exists
 * (`sameName`: under the ticket's name too). Unless "stored", nothing was written: "no membership" when that
 * check failed, "contention" when another transaction held the items (or DynamoDB throttled).
 */
async function storeConnection(
  db: RealtimeDeps["db"],
  { connectionId, claims }: { connectionId: string; claims: TicketClaims },
  { sameName = true } = {},
): Promise<"stored" | "no membership" | "contention"> {
  const { roomId, userId, name } = claims;
  const { canceled, data } = await db.transaction
    .write(({ connection, membership }) => [
      connection.put(Connection.newRecord({ connectionId, claims })).commit(),
      membership
        .check({ roomId, userId })
        .where((attr, { exists, eq }) =>
          sameName ? `${exists(attr.userId)} AND ${eq(attr.name, name)}` : exists(attr.userId),
        )
        .commit(),
    ])
    .go();
  if (!canceled) return "stored";
  if (failedConditions(data).includes(1)) return "no membership";
  if (isRetryableCancellation(data)) return "contention";
  throw new Error(`Storing connection ${connectionId} was cancelled: ${JSON.stringify(data)}`);
}
