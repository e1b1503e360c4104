import type { BroadcastResult } from "../broadcast/connection-sender";
import type { DeliveryOptions } from "../broadcast/delivery-options";
import type { Db } from "../db/create-db";
import type { Limits } from "../limits/limits";
import type { TicketClaims } from "../ticket/ticket";

/** What every realtime flow needs: the table, a way to reach connections, and who sent the frame. */
export interface RealtimeDeps {
  db: Db;
  delivery: DeliveryOptions;
  connectionId: string;
  /** The stage's limits (the frame rate limit, the member cap); defaults when left out. */
  limits?: Limits;
  /**
   * Who sent the frame and from which room: the `$connect` authorizer's context (the consumed ticket's claims),
   * which API Gateway attaches to every later event of the connection as `requestContext.authorizer`. Nothing a
   * client sends can set it. Absent when the event carries none; flows that need it refuse the frame then.
   */
  caller?: TicketClaims;
}

/** What a flow did, for the invocation's log line. */
export interface RealtimeOutcome {
  roomId?: string;
  /** Fan-out to the room. */
  broadcast?: BroadcastResult;
  /** A frame to the sender alone. */
  reply?: BroadcastResult;
}
