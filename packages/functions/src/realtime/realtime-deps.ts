import type { WebSocketRequestContext } from "@rooms/core/broadcast";
import type { RealtimeDeps } from "@rooms/core/realtime";
import { getSender } from "../config/realtime";
import { getDb } from "../config/table";
import { logger } from "../logging/logger";

/** The deps of one WebSocket invocation; clients are shared across invocations (see config). */
export async function realtimeFor({
  requestContext,
}: {
  requestContext: WebSocketRequestContext & { connectionId: string };
}): Promise<RealtimeDeps> {
  const db = await getDb();
  const sender = await getSender(requestContext);
  return {
    db,
    delivery: { sender, log: (entry) => logger.warn("delivery problem", { ...entry }) },
    connectionId: requestContext.connectionId,
  };
}
