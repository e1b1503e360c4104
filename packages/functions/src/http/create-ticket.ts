import middy from "@middy/core";
import { Ticket } from "@rooms/core/ticket";
import { getLimits } from "../config/limits";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** POST /rooms/{roomId}/tickets → 201 {ticket, expiresAt}: opens one socket to the room within 60 s (ticketsPerMinute per user); a newcomer to a full room, or a user at connectionsPerUserInRoom → 409 */
export const handler = middy(async (event: HttpEvent<typeof Ticket.issueInput>) => {
  const { membersPerRoom, connectionsPerUserInRoom } = getLimits();
  const ticket = await Ticket.issue(await getDb(), {
    input: event.input,
    caller: event.user,
    membersPerRoom,
    connectionsPerUserInRoom,
  });
  return json(201, ticket);
}).use(httpMiddlewares({ params: Ticket.issueInput, rateLimit: { limit: "createTicket", per: "user" } }));
