import * as Connection from "../connection/connection";
import type { Db } from "../db/create-db";
import type { Member } from "../protocol/shapes";

export interface PruneGoneConnectionOptions {
  connectionId: string;
}

/**
 * Deletes a connection known to be gone (or leaving: `$disconnect`) and returns its room and member if this call
 * deleted it. Safe to race: the removal is atomic, so one caller gets the record. The leave is announced from
 * the table's stream (packages/core/src/presence), once per deletion, never here.
 */
export async function pruneGoneConnection(
  db: Db,
  { connectionId }: PruneGoneConnectionOptions,
): Promise<{ roomId: string | null; member: Member | null }> {
  const removed = await Connection.remove(db, { connectionId });
  if (!removed) return { roomId: null, member: null };
  return { roomId: removed.roomId, member: Connection.toMember(removed) };
}
