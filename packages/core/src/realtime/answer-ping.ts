import { sendToConnection } from "../broadcast";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/** Answers `pong` to a joined connection; the visit refreshes its record's expiry. */
export function answerPing({ db, delivery, connectionId }: RealtimeDeps): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId }, async ({ roomId }) => ({
    roomId,
    reply: await sendToConnection(db, { ...delivery, connectionId, frame: { type: "pong" } }),
  }));
}
