import { guestTokenIssuer, identityProperties, oidcFromEnv } from "./identity-config";

/**
 * Who a caller is. The HTTP handlers verify `Authorization: Bearer <token>` themselves (guest tokens are HS256,
 * which API Gateway's JWT authorizer cannot check), so both resources are linked to every HTTP route's function
 * and to nothing else (infra/function-args.ts): the WebSocket side trusts the `$connect` authorizer's ticket.
 */

/**
 * The HS256 key of guest tokens. It has no value in the repository and no placeholder: a stage deploys only after
 * `pnpm sst secret set AuthSecret "$(openssl rand -base64 32)" --stage <stage>` (docs/deploy.md). Handlers read
 * `Resource.AuthSecret.value`; SST encrypts it into the function bundle, so no IAM permission is involved.
 */
export const authSecret = new sst.Secret("AuthSecret");

/**
 * `Resource.Identity`: the stage's guest-token issuer and the optional OIDC issuer it trusts, from `OIDC_ISSUER`,
 * `OIDC_AUDIENCE`, `OIDC_JWKS_URL` in the environment of `sst deploy` (infra/identity-config.ts). Properties only:
 * linking it grants nothing.
 */
export const identity = new sst.Linkable("Identity", {
  properties: identityProperties({ issuer: guestTokenIssuer($app), oidc: oidcFromEnv(process.env) }),
});
