import middy from "@middy/core";
import { leaveRoom } from "@rooms/core/realtime";
import { accepted, type WebSocketEvent } from "../middleware/ws-event";
import { wsDisconnectMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** $disconnect: removes the connection (idempotent); the presence worker announces the leave */
export const handler = middy(async (event: WebSocketEvent) => {
  return accepted(event, await leaveRoom(await realtimeFor(event)));
}).use(wsDisconnectMiddlewares());
