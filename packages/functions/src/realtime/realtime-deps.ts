import type { WebSocketRequestContext } from "@rooms/core/broadcast";
import type { RealtimeDeps } from "@rooms/core/realtime";
import { getSender } from "../config/realtime";
import { getDb } from "../config/table";
import { logger } from "../logging/logger";

/** The deps of one WebSocket invocation; clients are shared across invocations (see config). */
export function realtimeFor({ requestContext }: { requestContext: WebSocketRequestContext & { connectionId: string } }): RealtimeDeps {
  return {
    db: getDb(),
    delivery: { sender: getSender(requestContext), log: (entry) => logger.warn("delivery problem", { ...entry }) },
    connectionId: requestContext.connectionId,
  };
}
