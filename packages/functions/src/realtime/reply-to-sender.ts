import type { BroadcastResult } from "@rooms/core/broadcast";
import type { ServerFrame } from "@rooms/core/protocol";
import { sendToConnection } from "@rooms/core/realtime";
import type { WebSocketEvent } from "../middleware/ws-event";
import { realtimeFor } from "./realtime-deps";

/** Sends one frame to the connection that sent the event (an error frame, say). */
export async function replyToSender(event: WebSocketEvent, frame: ServerFrame): Promise<BroadcastResult> {
  const { db, delivery, connectionId } = await realtimeFor(event);
  return sendToConnection(db, { ...delivery, connectionId, frame });
}
