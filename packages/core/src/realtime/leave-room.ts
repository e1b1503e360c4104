import { broadcastToRoom } from "../broadcast";
import { Connection } from "../connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Deletes the connection and announces `memberLeft`. Idempotent: a repeated `$disconnect`, or one racing a
 * broadcast that already pruned the socket, finds no record and announces nothing (the pruner did).
 */
export async function leaveRoom({ db, delivery, connectionId }: RealtimeDeps): Promise<RealtimeOutcome> {
  const removed = await Connection.remove(db, { connectionId });
  if (!removed) return {};
  const broadcast = await broadcastToRoom(db, {
    ...delivery,
    roomId: removed.roomId,
    frame: { type: "memberLeft", member: Connection.toMember(removed) },
  });
  return { roomId: removed.roomId, broadcast };
}
