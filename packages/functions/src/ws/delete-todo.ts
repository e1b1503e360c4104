import middy from "@middy/core";
import { clientFrameSchemas } from "@rooms/core/protocol";
import { type ValidatedWebSocketEvent, accepted } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { deleteTodo } from "@rooms/core/realtime";
import { realtimeFor } from "../realtime/realtime-deps";

/** deleteTodo: the room gets {type:"todoDeleted"} */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.deleteTodo>) => {
  return accepted(event, await deleteTodo({ ...(await realtimeFor(event)), frame: event.input }));
}).use(wsFrameMiddlewares("deleteTodo"));
