import type { MiddlewareObj } from "@middy/core";
import { UnauthorizedError } from "@rooms/core/errors";
import { bearerToken } from "@rooms/core/identity";
import type { User } from "@rooms/core/protocol";
import { getIdentity } from "../config/identity";

/** An event after `authenticate`: `user` is who the bearer token names (null only where the token is optional). */
export type WithUser<E, U extends User | null = User> = E & { user: U };

const defaults = {
  /** `POST /sessions`: no token means a new guest; a token that is there must still be valid. */
  optional: false,
};

/**
 * Verifies `Authorization: Bearer <token>` (guest tokens signed with the stage secret, or the stage's OIDC
 * issuer) into `event.user`. Missing, malformed, forged, `alg: none`, wrong issuer or expired → 401, before
 * anything is parsed, read or written. Tokens are never taken from the query string or a cookie.
 */
export function authenticate(
  opts: Partial<typeof defaults> = {},
): MiddlewareObj<{ headers?: Record<string, string | undefined> }> {
  const options = { ...defaults, ...opts };

  const authenticateBefore: MiddlewareObj<{ headers?: Record<string, string | undefined> }>["before"] =
    async ({ event }) => {
      const header = event.headers?.authorization;
      const target = event as WithUser<typeof event, User | null>;
      if (header === undefined && options.optional) {
        target.user = null;
        return;
      }
      const token = bearerToken(header);
      if (!token) throw new UnauthorizedError();
      target.user = await getIdentity().verify(token);
    };

  return { before: authenticateBefore };
}
