import middy from "@middy/core";
import { bearerTokenExpiry, sessionInput, startSession } from "@rooms/core/identity";
import type { User } from "@rooms/core/protocol";
import { getIdentity } from "../config/identity";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { json } from "./json-response";

/** POST /sessions {name} → 201 {token, user, expiresAt}: a new guest, or with a valid bearer the same user renamed (an OIDC user's token no longer-lived than theirs); sessionsPerMinute per source IP */
export const handler = middy(async (event: HttpEvent<typeof sessionInput, User | null>) => {
  const session = await startSession(getIdentity(), {
    input: event.input,
    caller: event.user,
    callerExpiresAt: bearerTokenExpiry(event.headers.authorization),
  });
  return json(201, session);
}).use(
  httpMiddlewares({
    body: sessionInput,
    auth: "optional",
    rateLimit: { limit: "createSession", per: "sourceIp" },
  }),
);
