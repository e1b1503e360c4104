import middy from "@middy/core";
import { Message } from "@rooms/core/message";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** GET /rooms/{roomId}/messages?limit&before → {messages, cursor}, oldest to newest; 404 unknown or not readable */
export const handler = middy(async (event: HttpEvent<typeof Message.historyInput>) => {
  const { messages, cursor } = await Message.roomHistory(await getDb(), {
    input: event.input,
    caller: event.user,
  });
  return json(200, { messages, cursor });
}).use(httpMiddlewares({ params: Message.historyInput }));
