import middy from "@middy/core";
import { Invite } from "@rooms/core/invite";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** POST /rooms/{roomId}/invites {expiresInHours?} → 201 {invite: {code, expiresAt}}; owner only */
export const handler = middy(async (event: HttpEvent<typeof Invite.createInput>) => {
  const invite = await Invite.create(await getDb(), { input: event.input, caller: event.user });
  return json(201, { invite });
}).use(httpMiddlewares({ body: Invite.createInput, optionalBody: true }));
