import type { ConnectionSender } from "./connection-sender";
import type { RetryOptions } from "./send-with-retry";

/** Something worth an operator's attention that did not stop the fan-out. */
export interface BroadcastLogEntry {
  event: "send_failed" | "prune_failed";
  connectionId: string;
  /** `type` of the frame being sent when it happened. */
  frameType: string;
  reason: string;
}

/** How payloads reach connections; shared by broadcastToRoom, sendToConnection and pruneGoneConnection. */
export interface DeliveryOptions extends RetryOptions {
  sender: ConnectionSender;
  /** Posts in flight at once (announcements of pruned members included). */
  concurrency?: number;
  /** Failures are counted in the result and reported here; they are never thrown. */
  log?: (entry: BroadcastLogEntry) => void;
}
