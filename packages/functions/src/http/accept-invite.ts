import middy from "@middy/core";
import { Invite } from "@rooms/core/invite";
import { getLimits } from "../config/limits";
import { getDb } from "../config/table";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** POST /invites/{code} → 200 {room}: the caller becomes a member; unknown, revoked or expired → 404; full room → 409 */
export const handler = middy(async (event: HttpEvent<typeof Invite.codeInput>) => {
  const { membersPerRoom } = getLimits();
  const room = await Invite.accept(await getDb(), { input: event.input, caller: event.user, membersPerRoom });
  return json(200, { room });
}).use(httpMiddlewares({ params: Invite.codeInput }));
