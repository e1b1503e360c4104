import middy from "@middy/core";
import { Room } from "@rooms/core/room";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** POST /rooms {name, visibility?} → 201 {room}; the caller becomes its owner (roomsPerMinute per user) */
export const handler = middy(async (event: HttpEvent<typeof Room.createInput>) => {
  const room = await Room.create(await getDb(), { input: event.input, caller: event.user });
  return json(201, { room });
}).use(httpMiddlewares({ body: Room.createInput, rateLimit: { limit: "createRoom", per: "user" } }));
