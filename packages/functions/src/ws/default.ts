import middy from "@middy/core";
import type { WebSocketEvent } from "../middleware/ws-event";
import { wsDefaultMiddlewares } from "../middleware/ws-stack";
import { refuseUnknownFrame } from "@rooms/core/realtime";

/** $default: a frame with no known action (or not JSON) → bad_request error frame to the sender */
export const handler = middy(async (event: WebSocketEvent) => {
  refuseUnknownFrame(event.body);
}).use(wsDefaultMiddlewares());
