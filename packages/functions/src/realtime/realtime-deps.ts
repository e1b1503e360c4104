import type { BroadcastResult, DeliveryOptions, WebSocketRequestContext } from "@rooms/core/broadcast";
import type { Db } from "@rooms/core/db";
import { getDb, getSender } from "../config";
import { logger } from "../logging/logger";

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

/** The deps of one WebSocket invocation; clients are shared across invocations (see config). */
export function realtimeFor({ requestContext }: { requestContext: WebSocketRequestContext & { connectionId: string } }): RealtimeDeps {
  return {
    db: getDb(),
    delivery: { sender: getSender(requestContext), log: (entry) => logger.warn("delivery problem", { ...entry }) },
    connectionId: requestContext.connectionId,
  };
}
