import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { deleteTodo } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** deleteTodo: the room gets {type:"todoDeleted"} */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.deleteTodo>) => {
  return accepted(event, await deleteTodo({ ...(await realtimeFor(event)), frame: event.input }));
}).use(wsFrameMiddlewares("deleteTodo"));
