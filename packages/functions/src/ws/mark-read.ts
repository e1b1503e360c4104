import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { markRead } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** markRead {seq}: the sender's read position moves forward only; others in a small room get `read` */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.markRead>) => {
  return accepted(event, await markRead({ ...(await realtimeFor(event)), frame: event.input }));
}).use(wsFrameMiddlewares("markRead"));
