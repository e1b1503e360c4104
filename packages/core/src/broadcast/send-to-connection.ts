import type { Db } from "../db/create-db";
import type { ServerFrame } from "../protocol/frames";
import { pruneGone } from "./broadcast-to-room";
import type { BroadcastResult } from "./connection-sender";
import type { DeliveryOptions } from "./delivery-options";
import { sendWithRetry } from "./send-with-retry";
import { serializeFrame } from "./serialize-frame";

export interface SendToConnectionOptions extends DeliveryOptions {
  connectionId: string;
  frame: ServerFrame;
}

/**
 * A reply to one connection (pong, snapshot, error), with the same rules as a broadcast: oversized frames are
 * refused before sending, throttling is retried, and a gone connection is pruned (its leave is announced from
 * the table's stream).
 */
export async function sendToConnection(
  db: Db,
  { connectionId, frame, ...delivery }: SendToConnectionOptions,
): Promise<BroadcastResult> {
  const data = serializeFrame(frame);
  const {
    sender,
    log,
    concurrency: _c,
    accountPostRate: _a,
    throttleShare: _t,
    fanOut: _f,
    listingCache: _l,
    ...retry
  } = delivery;
  const { outcome, retries } = await sendWithRetry(sender, { connectionId, data }, retry);
  const result: BroadcastResult = { delivered: 0, pruned: 0, failed: 0, retried: retries };
  if (outcome.status === "delivered") result.delivered = 1;
  if (outcome.status === "failed") {
    result.failed = 1;
    log?.({ event: "send_failed", connectionId, frameType: frame.type, reason: outcome.reason });
  }
  if (outcome.status === "gone" && (await pruneGone(db, { connectionId, frameType: frame.type, log })))
    result.pruned = 1;
  return result;
}
