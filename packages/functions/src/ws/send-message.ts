import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { sendChatMessage } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** sendMessage: stores the message once per clientMessageId; the room gets it, or on a repeat the sender alone */
export const handler = middy(
  async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.sendMessage>) => {
    return accepted(event, await sendChatMessage({ ...(await realtimeFor(event)), frame: event.input }));
  },
).use(wsFrameMiddlewares("sendMessage"));
