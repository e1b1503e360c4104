import middy from "@middy/core";
import { type WebSocketEvent, accepted } from "../middleware/ws-event";
import { wsDisconnectMiddlewares } from "../middleware/ws-stack";
import { leaveRoom } from "@rooms/core/realtime";
import { realtimeFor } from "../realtime/realtime-deps";

/** $disconnect: removes the connection (idempotent) and tells the room memberLeft if this call removed it */
export const handler = middy(async (event: WebSocketEvent) => {
  return accepted(event, await leaveRoom(await realtimeFor(event)));
}).use(wsDisconnectMiddlewares());
