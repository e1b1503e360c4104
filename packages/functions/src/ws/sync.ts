import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { sendSnapshot } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** sync: the sender gets a snapshot of its room (messages after `after`, or the newest page) */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.sync>) => {
  return accepted(event, await sendSnapshot({ ...(await realtimeFor(event)), frame: event.input }));
}).use(wsFrameMiddlewares("sync"));
