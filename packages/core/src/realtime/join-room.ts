import { broadcastToRoom } from "../broadcast";
import { Connection } from "../connection";
import type { z } from "zod";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/** The `$connect` query string: `?roomId=&name=`. */
export const joinQuery = Connection.connectInput.omit({ connectionId: true });

/**
 * Admits the connection, tells the room `memberJoined`, and only then stores the record. During `$connect`
 * API Gateway answers 410 for the new socket, so a record stored earlier could be met by a concurrent broadcast
 * (another member's join, say) and pruned as gone; storing it last leaves no such window while this handler
 * runs. The joiner itself learns who is here from its first `sync`.
 */
export async function joinRoom({
  db,
  delivery,
  connectionId,
  roomId,
  name,
}: RealtimeDeps & z.input<typeof joinQuery>): Promise<RealtimeOutcome> {
  const connection = await Connection.admit(db, { connectionId, roomId, name });
  const frame = { type: "memberJoined", member: Connection.toMember(connection) } as const;
  const broadcast = await broadcastToRoom(db, { ...delivery, roomId: connection.roomId, frame });
  await Connection.save(db, connection);
  return { roomId: connection.roomId, broadcast };
}
