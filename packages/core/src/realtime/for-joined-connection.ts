import { Connection, type ConnectionItem } from "../connection";
import type { Db } from "../db";
import { defaultLimits, type Limits } from "../limits/limits";

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
