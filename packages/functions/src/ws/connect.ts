import middy from "@middy/core";
import { type ValidatedWebSocketEvent, accepted } from "../middleware/ws-event";
import { wsConnectMiddlewares } from "../middleware/ws-stack";
import { joinQuery, joinRoom } from "@rooms/core/realtime";
import { realtimeFor } from "../realtime/realtime-deps";

/** $connect ?roomId&name: joins the room and tells its members; 404 unknown room, 400 bad name refuse the handshake */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof joinQuery>) => {
  return accepted(event, await joinRoom({ ...realtimeFor(event), ...event.input }));
}).use(wsConnectMiddlewares(joinQuery));
