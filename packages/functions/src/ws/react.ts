import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { react } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** react: toggles the sender's emoji on a message; the room gets the counts (the reacting user's sockets with `mine`) */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.react>) => {
  return accepted(event, await react({ ...(await realtimeFor(event)), frame: event.input }));
}).use(wsFrameMiddlewares("react"));
