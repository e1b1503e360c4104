import middy from "@middy/core";
import { Ticket } from "@rooms/core/ticket";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** POST /rooms/{roomId}/tickets → 201 {ticket, expiresAt}: opens one socket to the room within 60 s */
export const handler = middy(async (event: HttpEvent<typeof Ticket.issueInput>) => {
  return json(201, await Ticket.issue(await getDb(), { input: event.input, caller: event.user }));
}).use(httpMiddlewares({ params: Ticket.issueInput }));
