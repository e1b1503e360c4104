import middy from "@middy/core";
import { Membership } from "@rooms/core/membership";
import { Room } from "@rooms/core/room";
import { getLimits } from "../config/limits";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** GET /rooms/{roomId} → {room, todos, role}; 404 for an unknown room and for a private room the caller is not in */
export const handler = middy(async (event: HttpEvent<typeof Room.roomIdInput>) => {
  const { todosPerRoom: maxTodos } = getLimits();
  return json(
    200,
    await Membership.roomView(await getDb(), { input: event.input, caller: event.user, maxTodos }),
  );
}).use(httpMiddlewares({ params: Room.roomIdInput }));
