import type { FanOutSettings } from "../fanout/fan-out-job";
import type { ConnectionListCache } from "./connection-list-cache";
import type { ConnectionSender } from "./connection-sender";
import type { RetryOptions } from "./send-with-retry";

/** Something worth an operator's attention that did not stop the fan-out. */
export type BroadcastLogEntry =
  | {
      event: "send_failed" | "prune_failed";
      connectionId: string;
      /** `type` of the frame being sent when it happened. */
      frameType: string;
      reason: string;
    }
  | {
      /** A removed member's socket could not be closed (DeleteConnection) past the retries. */
      event: "close_failed";
      connectionId: string;
      roomId: string;
      reason: string;
    }
  | {
      /**
       * handoff_failed: a large room's pages could not be queued; this call posted them itself instead.
       * cleanup_failed: what follows a change once it is announced (a deleted message's reactions) failed; the
       * change stands and a repeat of the frame finishes it.
       */
      event: "handoff_failed" | "cleanup_failed";
      roomId: string;
      frameType: string;
      reason: string;
    }
  | {
      /** One fan-out used more than `throttleShare` of a second of the account's post rate (see throttle-share). */
      event: "throttle_share";
      roomId: string;
      frameType: string;
      posts: number;
      accountPostRate: number;
      throttleShare: number;
    };

/** How payloads reach connections; shared by broadcastToRoom, sendToConnection and the presence announcer. */
export interface DeliveryOptions extends RetryOptions {
  sender: ConnectionSender;
  /** Posts in flight at once. */
  concurrency?: number;
  /** Failures are counted in the result and reported here; they are never thrown. */
  log?: (entry: BroadcastLogEntry) => void;
  /** The account's PostToConnection rate (API Gateway's default quota is 10,000/s per region). */
  accountPostRate?: number;
  /** The share of `accountPostRate` one fan-out may take before it is reported (default 0.5). */
  throttleShare?: number;
  /** Large rooms' fan-out goes to workers through this queue; without it every broadcast posts inline. */
  fanOut?: FanOutSettings;
  /**
   * The container's copy of rooms' connection lists: `message`, `typing` and `read` broadcasts list the room from
   * it (see connection-list-cache.ts); without it every broadcast reads the list.
   */
  listingCache?: ConnectionListCache;
}
