import { sendToConnection } from "../broadcast";
import type { ClientFrameOf } from "../protocol";
import { Snapshot } from "../snapshot";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/** Sends the sender its room's snapshot: messages after `after`, or the newest page. */
export function sendSnapshot({ db, delivery, connectionId, frame }: RealtimeDeps & { frame: ClientFrameOf<"sync"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId }, async ({ roomId }) => {
    const snapshot = await Snapshot.read(db, { roomId, after: frame.after });
    return { roomId, reply: await sendToConnection(db, { ...delivery, connectionId, frame: { type: "snapshot", ...snapshot } }) };
  });
}
