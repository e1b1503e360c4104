import { pruneGoneConnection } from "../broadcast/prune-gone-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * `$disconnect`: deletes the connection. The room hears `memberLeft` (or a `presence` digest) from the table's
 * stream, once per deletion. Idempotent: a repeated `$disconnect`, or one racing a broadcast that already pruned
 * the socket, finds no record and deletes nothing.
 */
export async function leaveRoom({ db, connectionId }: RealtimeDeps): Promise<RealtimeOutcome> {
  const { roomId } = await pruneGoneConnection(db, { connectionId });
  return roomId ? { roomId } : {};
}
