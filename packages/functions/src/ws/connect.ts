import middy from "@middy/core";
import { joinRoom } from "@rooms/core/realtime";
import { Ticket } from "@rooms/core/ticket";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsConnectMiddlewares } from "../middleware/ws-stack";
import { realtimeFor } from "../realtime/realtime-deps";

/** $connect ?ticket: joins the room the ticket names (the presence worker announces it); 403 removed, 404 no longer readable */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof Ticket.claimsSchema>) => {
  return accepted(event, await joinRoom({ ...(await realtimeFor(event)), claims: event.input }));
}).use(wsConnectMiddlewares(Ticket.claimsSchema));
