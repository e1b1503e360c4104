import middy from "@middy/core";
import { Membership } from "@rooms/core/membership";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** GET /me/rooms?limit&cursor → {rooms: MyRoom[], cursor}: the rooms the caller is a member of */
export const handler = middy(async (event: HttpEvent<typeof Membership.myRoomsInput>) => {
  return json(200, await Membership.listMine(await getDb(), { input: event.input, caller: event.user }));
}).use(httpMiddlewares({ params: Membership.myRoomsInput }));
