import middy from "@middy/core";
import { getDb } from "../config";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { Message } from "@rooms/core/message";
import { json } from "./json-response";

/** GET /rooms/{roomId}/messages?limit&before → {messages, cursor}, oldest to newest; 404 for an unknown room */
export const handler = middy(async (event: HttpEvent<typeof Message.historyInput>) => {
  const { messages, cursor } = await Message.roomHistory(getDb(), event.input);
  return json(200, { messages, cursor });
}).use(httpMiddlewares({ params: Message.historyInput }));
