import { Connection, type ConnectionItem } from "../connection";
import type { Db } from "../db";

/**
 * Runs one frame's work for the sender's connection record (the room comes from there, never from the frame),
 * then refreshes the record's expiry. The refresh comes after the work succeeded, so a refused frame writes nothing.
 */
export async function forJoinedConnection<T>(
  { db, connectionId }: { db: Db; connectionId: string },
  work: (connection: ConnectionItem) => Promise<T>,
): Promise<T> {
  const connection = await Connection.getJoined(db, { connectionId });
  const result = await work(connection);
  await Connection.touch(db, { connection });
  return result;
}
