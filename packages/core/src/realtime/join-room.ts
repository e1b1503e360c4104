import { broadcastToRoom } from "../broadcast";
import { Connection } from "../connection";
import type { z } from "zod";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/** The `$connect` query string: `?roomId=&name=`. */
export const joinQuery = Connection.connectInput.omit({ connectionId: true });

/**
 * Stores the connection in its room, then tells the others `memberJoined`. The new socket itself is left out:
 * API Gateway has not opened it yet during `$connect`, so a post to it would come back 410 and prune it.
 */
export async function joinRoom({
  db,
  delivery,
  connectionId,
  roomId,
  name,
}: RealtimeDeps & z.input<typeof joinQuery>): Promise<RealtimeOutcome> {
  const connection = await Connection.connect(db, { connectionId, roomId, name });
  const broadcast = await broadcastToRoom(db, {
    ...delivery,
    roomId: connection.roomId,
    frame: { type: "memberJoined", member: Connection.toMember(connection) },
    except: [connectionId],
  });
  return { roomId: connection.roomId, broadcast };
}
