import { sendToConnection } from "../broadcast/send-to-connection";
import { Room } from "../room";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/** Answers `pong` with the room's `lastSeq`, so an idle client can see that it missed something; refreshes the record. */
export function answerPing({
  db,
  delivery,
  connectionId,
  limits,
  caller,
}: RealtimeDeps): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId }) => {
    const { lastSeq } = await Room.get(db, { roomId });
    return {
      roomId,
      reply: await sendToConnection(db, { ...delivery, connectionId, frame: { type: "pong", lastSeq } }),
    };
  });
}
