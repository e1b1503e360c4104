import middy from "@middy/core";
import { joinRoom } from "@rooms/core/realtime";
import { Ticket } from "@rooms/core/ticket";
import { getLimits } from "../config/limits";
import { getDb } from "../config/table";
import { accepted, type ValidatedWebSocketEvent } from "../middleware/ws-event";
import { wsConnectMiddlewares } from "../middleware/ws-stack";

/**
 * $connect ?ticket: joins the room the ticket names (the presence worker announces it); 403 removed, 404 no longer
 * readable. It posts to nobody, so it loads no @connections client: only the table.
 */
export const handler = middy(async (event: ValidatedWebSocketEvent<typeof Ticket.claimsSchema>) => {
  const { connectionId } = event.requestContext;
  const db = await getDb();
  return accepted(event, await joinRoom({ db, connectionId, claims: event.input, limits: getLimits() }));
}).use(wsConnectMiddlewares(Ticket.claimsSchema));
