import type { BroadcastResult } from "../broadcast/connection-sender";
import type { DeliveryOptions } from "../broadcast/delivery-options";
import type { Db } from "../db/create-db";
import type { Limits } from "../limits/limits";

/** What every realtime flow needs: the table, a way to reach connections, and who sent the frame. */
export interface RealtimeDeps {
  db: Db;
  delivery: DeliveryOptions;
  connectionId: string;
  /** The stage's limits (the frame rate limit, the member cap); defaults when left out. */
  limits?: Limits;
}

/** What a flow did, for the invocation's log line. */
export interface RealtimeOutcome {
  roomId?: string;
  /** Fan-out to the room. */
  broadcast?: BroadcastResult;
  /** A frame to the sender alone. */
  reply?: BroadcastResult;
}
