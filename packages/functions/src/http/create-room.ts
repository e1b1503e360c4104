import middy from "@middy/core";
import { Room } from "@rooms/core/room";
import { getDb } from "../config";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** POST /rooms → 201 {room} */
export const handler = middy(async (event: HttpEvent<typeof Room.createInput>) => {
  const room = await Room.create(getDb(), event.input);
  return json(201, { room });
}).use(httpMiddlewares({ body: Room.createInput }));
