import * as z from "zod/mini";
import "../errors/english-messages";
import { parseInput } from "../errors/parse-input";
import { newId } from "../ids/ids";
import type { User } from "../protocol/shapes";
import { displayName } from "./display-name";
import type { Identity } from "./tokens";
import { isGuestUserId } from "./user-id";

export const sessionInput = z.object({ name: displayName });

/**
 * `POST /sessions`: a new guest (fresh userId), or, for a caller who is already signed in, the same userId
 * under the new name. A guest gets a fresh 30-day token; earlier tokens stay valid until they expire. An OIDC
 * user's new token expires when the token they presented does (`callerExpiresAt`): a rename never turns a
 * short sign-in at their issuer into a 30-day session here.
 */
export async function startSession(
  identity: Identity,
  {
    input,
    caller,
    callerExpiresAt,
    now = new Date(),
  }: {
    input: z.input<typeof sessionInput>;
    caller?: User | null;
    /** When the caller's own token expires (required for an OIDC caller). */
    callerExpiresAt?: Date;
    now?: Date;
  },
) {
  const { name } = parseInput(sessionInput, input);
  const user: User = { userId: caller?.userId ?? newId(now.getTime()), name };
  const external = caller ? !isGuestUserId(caller.userId) : false;
  if (external && !callerExpiresAt)
    throw new Error("startSession: an OIDC caller's token expiry is required");
  const { token, expiresAt } = await identity.issue(user, now, {
    ...(external && { notAfter: callerExpiresAt }),
  });
  return { token, user, expiresAt };
}
