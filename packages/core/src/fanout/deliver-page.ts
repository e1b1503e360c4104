import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import type { BroadcastResult } from "../broadcast/connection-sender";
import type { DeliveryOptions } from "../broadcast/delivery-options";
import type { Db } from "../db/create-db";
import type { FanOutJob } from "./fan-out-job";

/**
 * A worker's part of a large room's fan-out: posts the page's frame to the page's connections with the broadcast's
 * rules (retries on 429/5xx, a gone one pruned). A worker that dies mid-page leaves the page on the queue, and its
 * redelivery posts the whole page again: clients drop a repeat by message id and `seq`.
 */
export function deliverPage(
  db: Db,
  { job, ...delivery }: DeliveryOptions & { job: FanOutJob },
): Promise<BroadcastResult> {
  const listing = job.connectionIds.map((connectionId) => ({ connectionId }));
  return broadcastToRoom(db, { ...delivery, roomId: job.roomId, frame: job.frame, listing });
}
