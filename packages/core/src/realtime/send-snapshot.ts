import type { BroadcastResult } from "../broadcast/connection-sender";
import { sendToConnection } from "../broadcast/send-to-connection";
import type { ClientFrameOf } from "../protocol";
import { Snapshot, snapshotParts } from "../snapshot";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/** Sends the sender its room's snapshot (messages after `afterSeq`, or the newest page), in parts if over 128 KB. */
export function sendSnapshot({
  db,
  delivery,
  connectionId,
  limits,
  caller,
  frame,
}: RealtimeDeps & { frame: ClientFrameOf<"sync"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId, userId }, membership) => {
    const { afterSeq, changesSince } = frame;
    const snapshot = await Snapshot.read(
      db,
      { roomId, userId, afterSeq, changesSince },
      { limits, membership },
    );
    const reply: BroadcastResult = { delivered: 0, pruned: 0, failed: 0, retried: 0 };
    // In order: a client merges the parts as they come and applies the snapshot on the `last` one.
    for (const part of snapshotParts(snapshot)) {
      const sent = await sendToConnection(db, { ...delivery, connectionId, frame: part });
      reply.delivered += sent.delivered;
      reply.pruned += sent.pruned;
      reply.failed += sent.failed;
      reply.retried += sent.retried;
      if (sent.delivered === 0) break;
    }
    return { roomId, reply };
  });
}
