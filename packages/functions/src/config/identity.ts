import { createIdentity, type Identity } from "@rooms/core/identity";
import { Resource } from "sst";

/**
 * Bearer tokens, for the HTTP routes (WebSocket routes never see one: the `$connect` authorizer consumed a
 * ticket). SST links `AuthSecret` and `Identity`. Built on first use and kept for the life of the container.
 */

let identity: Identity | undefined;

/** Signs and verifies bearer tokens: guest tokens with the stage secret, and the stage's OIDC issuer if any. */
export function getIdentity(): Identity {
  if (identity) return identity;
  const { issuer, oidcIssuer, oidcAudience, oidcJwksUrl } = Resource.Identity;
  identity = createIdentity({
    secret: Resource.AuthSecret.value,
    issuer,
    ...(oidcIssuer && {
      oidc: {
        issuer: oidcIssuer,
        audience: oidcAudience || undefined,
        jwksUrl: oidcJwksUrl || `${oidcIssuer}/.well-known/jwks.json`,
      },
    }),
  });
  return identity;
}
