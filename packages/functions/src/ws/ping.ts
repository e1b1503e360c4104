import middy from "@middy/core";
import type { clientFrameSchemas } from "@rooms/core/protocol";
import { answerPing } from "@rooms/core/realtime";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsFrameMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** ping: the sender gets {type:"pong"}; the connection record's expiry is refreshed */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof clientFrameSchemas.ping>) => {
  return accepted(event, await answerPing(await realtimeFor(event)));
}).use(wsFrameMiddlewares("ping"));
