import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { deleteMessage } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** deleteMessage: by the author or the room's owner (else forbidden); the room gets messageDeleted, history keeps a tombstone */
export const handler = middy(
  async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.deleteMessage>) => {
    return accepted(event, await deleteMessage({ ...(await realtimeFor(event)), frame: event.input }));
  },
).use(wsFrameMiddlewares("deleteMessage"));
