import type { Db } from "../db/create-db";
import type { ServerFrame } from "../protocol/frames";
import type { BroadcastResult } from "./connection-sender";
import type { DeliveryOptions } from "./delivery-options";
import { pruneGoneConnection } from "./prune-gone-connection";
import { sendWithRetry } from "./send-with-retry";
import { serializeFrame } from "./serialize-frame";

export interface SendToConnectionOptions extends DeliveryOptions {
  connectionId: string;
  frame: ServerFrame;
}

/**
 * A reply to one connection (pong, snapshot, error), with the same rules as a broadcast: oversized frames are
 * refused before sending, throttling is retried, and a gone connection is pruned and its leave announced.
 * `pruned` and `retried` include that announcement's own.
 */
export async function sendToConnection(
  db: Db,
  { connectionId, frame, ...delivery }: SendToConnectionOptions,
): Promise<BroadcastResult> {
  const data = serializeFrame(frame);
  const { sender, log, concurrency: _fanOutOnly, ...retry } = delivery;
  const { outcome, retries } = await sendWithRetry(sender, { connectionId, data }, retry);
  const result: BroadcastResult = { delivered: 0, pruned: 0, failed: 0, retried: retries };
  if (outcome.status === "delivered") result.delivered = 1;
  if (outcome.status === "failed") {
    result.failed = 1;
    log?.({ event: "send_failed", connectionId, frameType: frame.type, reason: outcome.reason });
  }
  if (outcome.status === "gone") {
    try {
      const { member, announcement } = await pruneGoneConnection(db, { connectionId, ...delivery });
      if (member) result.pruned = 1;
      if (announcement) {
        result.pruned += announcement.pruned;
        result.retried += announcement.retried;
      }
    } catch (error) {
      log?.({
        event: "prune_failed",
        connectionId,
        frameType: frame.type,
        reason: (error as Error)?.message ?? String(error),
      });
    }
  }
  return result;
}
