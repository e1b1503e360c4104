import middy from "@middy/core";
import { forwardTyping } from "@rooms/core/realtime";
import { accepted, type WebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** typing: the others in a small room get `typing` (at most one per 3 s per connection; nothing stored) */
export const handler = middy(async (event: WebSocketEvent) => {
  return accepted(event, await forwardTyping(await realtimeFor(event)));
}).use(wsFrameMiddlewares("typing"));
