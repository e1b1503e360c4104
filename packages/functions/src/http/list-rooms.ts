import middy from "@middy/core";
import { Room } from "@rooms/core/room";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** GET /rooms?limit&cursor → {rooms, cursor}, newest first */
export const handler = middy(async (event: HttpEvent<typeof Room.listInput>) => {
  const { rooms, cursor } = await Room.list(await getDb(), event.input);
  return json(200, { rooms, cursor });
}).use(httpMiddlewares({ params: Room.listInput }));
