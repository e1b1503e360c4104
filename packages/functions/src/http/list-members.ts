import middy from "@middy/core";
import { Membership } from "@rooms/core/membership";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** GET /rooms/{roomId}/members?limit&cursor → {members: RoomMember[], cursor} (memberships, not connections) */
export const handler = middy(async (event: HttpEvent<typeof Membership.membersInput>) => {
  return json(200, await Membership.list(await getDb(), { input: event.input, caller: event.user }));
}).use(httpMiddlewares({ params: Membership.membersInput }));
