import middy from "@middy/core";
import { Invite } from "@rooms/core/invite";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { noContent } from "./json-response";

/** DELETE /rooms/{roomId}/invites → 204: every invite created so far stops working; owner only */
export const handler = middy(async (event: HttpEvent<typeof Invite.revokeInput>) => {
  await Invite.revokeAll(await getDb(), { input: event.input, caller: event.user });
  return noContent();
}).use(httpMiddlewares({ params: Invite.revokeInput }));
