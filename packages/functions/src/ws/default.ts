import middy from "@middy/core";
import { refuseUnknownFrame } from "@rooms/core/realtime";
import type { WebSocketEvent } from "../middleware/ws-event";
import { wsDefaultMiddlewares } from "../middleware/ws-stack";

/** $default: a frame with no known action (or not JSON) → bad_request error frame to the sender */
export const handler = middy(async (event: WebSocketEvent) => {
  refuseUnknownFrame(event.body);
}).use(wsDefaultMiddlewares());
