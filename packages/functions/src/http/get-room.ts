import middy from "@middy/core";
import { Room } from "@rooms/core/room";
import { getDb } from "../config";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** GET /rooms/{roomId} → {room, todos} (one Query), or 404 */
export const handler = middy(async (event: HttpEvent<typeof Room.roomIdInput>) => {
  const { room, todos } = await Room.getWithTodos(getDb(), event.input);
  return json(200, { room, todos });
}).use(httpMiddlewares({ params: Room.roomIdInput }));
