import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { addTodo } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** addTodo: the room gets {type:"todo"} */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.addTodo>) => {
  return accepted(event, await addTodo({ ...(await realtimeFor(event)), frame: event.input }));
}).use(wsFrameMiddlewares("addTodo"));
