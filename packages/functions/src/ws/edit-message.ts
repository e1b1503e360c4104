import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { editMessage } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** editMessage: the author's new text; the room gets messageUpdated; anyone else → forbidden, a deleted message → not_found */
export const handler = middy(
  async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.editMessage>) => {
    return accepted(event, await editMessage({ ...(await realtimeFor(event)), frame: event.input }));
  },
).use(wsFrameMiddlewares("editMessage"));
