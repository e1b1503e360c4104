import { Connection } from "../connection";
import type { Db } from "../db/create-db";
import { LimitReachedError } from "../errors/domain-errors";

/**
 * Refuses a user who already holds `cap` live sockets in the room (`connectionsPerUserInRoom`) with
 * `limit_reached`: frame limits are per socket, so without it one user could open enough sockets to take a room's
 * whole write rate. The count is `Connection.listOfUser`, one key range on gsi1 (the room's connections sorted by
 * user), so it reads at most this user's records in this room, never the room. Only live records count: one past
 * its `expiresAt` (a socket that died without `$disconnect`, until TTL deletes it) holds no slot, and a broadcast
 * deletes a gone socket's record the first time it meets it.
 *
 * `except`: a connection not to count (the one being admitted, whose record may already be in the index).
 *
 * Not atomic: handshakes of one user racing each other can each see the same count, so a burst of them can
 * overshoot the cap by the handshakes in flight at once (each needs a ticket: `ticketsPerMinute` bounds them).
 */
export async function refuseOverConnectionCap(
  db: Db,
  {
    roomId,
    userId,
    cap,
    now = new Date(),
    except,
  }: { roomId: string; userId: string; cap: number; now?: Date; except?: string },
): Promise<void> {
  const live = (await Connection.listOfUser(db, { roomId, userId, now })).filter(
    (connection) => connection.connectionId !== except,
  );
  if (live.length >= cap)
    throw new LimitReachedError(
      `You have ${cap} connections open to this room, the most one person may have; ` +
        "close one (another tab or device) to open another",
    );
}
