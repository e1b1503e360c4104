import { pruneGoneConnection } from "../broadcast/prune-gone-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * `$disconnect`: deletes the connection and announces `memberLeft`. Idempotent: a repeated `$disconnect`, or
 * one racing a broadcast that already pruned the socket, finds no record and announces nothing (the pruner did).
 */
export async function leaveRoom({ db, delivery, connectionId }: RealtimeDeps): Promise<RealtimeOutcome> {
  const { roomId, announcement } = await pruneGoneConnection(db, { ...delivery, connectionId });
  return roomId ? { roomId, broadcast: announcement ?? undefined } : {};
}
