import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { moveTodo } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** moveTodo: the room gets the todo at its new position, version+1; a stale version → conflict error frame with the current todo, to the sender alone */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.moveTodo>) => {
  return accepted(event, await moveTodo({ ...(await realtimeFor(event)), frame: event.input }));
}).use(wsFrameMiddlewares("moveTodo"));
