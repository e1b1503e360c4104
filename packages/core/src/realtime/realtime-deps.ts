import type { BroadcastResult } from "../broadcast/connection-sender";
import type { DeliveryOptions } from "../broadcast/delivery-options";
import type { Db } from "../db/create-db";

/** What every realtime flow needs: the table, a way to reach connections, and who sent the frame. */
export interface RealtimeDeps {
  db: Db;
  delivery: DeliveryOptions;
  connectionId: string;
}

/** What a flow did, for the invocation's log line. */
export interface RealtimeOutcome {
  roomId?: string;
  /** Fan-out to the room. */
  broadcast?: BroadcastResult;
  /** A frame to the sender alone. */
  reply?: BroadcastResult;
}
