/**
 * What the HTTP handlers learn about identity through `Resource.Identity`, computed from the app, the stage and
 * the deploy-time environment. Pure (no SST globals) so infra/test can call it with any environment.
 *
 * Guest tokens are HS256 JWTs signed with the `AuthSecret` secret and carry `iss` = the stage's own issuer name, so
 * a token of one stage is refused by another even if both were given the same secret. A stage may also trust one
 * OIDC issuer (a Cognito user pool, Auth0, ...): its RS256/ES256 tokens are checked against its JWKS, its `aud`,
 * and their `sub` becomes the `userId`. Without one, the oidc* properties are "" and only guest tokens work.
 */
export interface IdentityProperties<V = string> {
  /** `iss` of the guest tokens this stage signs and accepts. */
  issuer: string;
  /** `iss` of the trusted OIDC provider's tokens, exactly as they carry it; "" when none is trusted. */
  oidcIssuer: V | "";
  /** The `aud` those tokens must carry (for Cognito: the app client id, which ID tokens carry as `aud`). */
  oidcAudience: V | "";
  /** Where the provider's signing keys are published. */
  oidcJwksUrl: V | "";
}

export interface OidcSettings<V = string> {
  issuer: V;
  audience: V;
  jwksUrl: V;
}

/** The deploy-time variables read by oidcFromEnv (set them in the shell or CI job that runs `sst deploy`). */
export const OIDC_ENV = {
  issuer: "OIDC_ISSUER",
  audience: "OIDC_AUDIENCE",
  jwksUrl: "OIDC_JWKS_URL",
} as const;

/** The guest-token issuer of a stage: `rooms-<app>-<stage>`, e.g. `rooms-realtime-rooms-prod`. */
export const guestTokenIssuer = ({ name, stage }: { name: string; stage: string }) =>
  `rooms-${name}-${stage}`;

/** The JWKS location most providers use (Cognito, Auth0, Okta): `<issuer>/.well-known/jwks.json`. */
export const defaultJwksUrl = (issuer: string) => `${issuer.replace(/\/+$/, "")}/.well-known/jwks.json`;

function httpsUrl(name: string, value: string): string {
  const isHttps = (() => {
    try {
      return new URL(value).protocol === "https:";
    } catch {
      return false;
    }
  })();
  if (!isHttps) throw new Error(`${name} must be an https URL, got "${value}"`);
  return value;
}

/**
 * The OIDC issuer this stage trusts, from `OIDC_ISSUER`, `OIDC_AUDIENCE` and the optional `OIDC_JWKS_URL`; null
 * when none of them is set. A half-set configuration is refused (the deploy fails) rather than silently trusting
 * tokens for any audience or turning OIDC off.
 */
export function oidcFromEnv(env: Readonly<Record<string, string | undefined>>): OidcSettings | null {
  const read = (name: string) => env[name]?.trim() || undefined;
  const issuer = read(OIDC_ENV.issuer);
  const audience = read(OIDC_ENV.audience);
  const jwksUrl = read(OIDC_ENV.jwksUrl);
  if (issuer === undefined) {
    if (audience !== undefined || jwksUrl !== undefined) {
      throw new Error(`${OIDC_ENV.audience}/${OIDC_ENV.jwksUrl} are set but ${OIDC_ENV.issuer} is not`);
    }
    return null;
  }
  if (audience === undefined) {
    throw new Error(
      `${OIDC_ENV.issuer} is set but ${OIDC_ENV.audience} is not: tokens for any client would be accepted`,
    );
  }
  return {
    issuer: httpsUrl(OIDC_ENV.issuer, issuer),
    audience,
    jwksUrl: httpsUrl(OIDC_ENV.jwksUrl, jwksUrl ?? defaultJwksUrl(issuer)),
  };
}

/** The `Identity` linkable's properties. `V` is `string`, or a deploy-time value when a user pool is built in infra. */
export function identityProperties<V = string>({
  issuer,
  oidc,
}: {
  issuer: string;
  oidc: OidcSettings<V> | null;
}): IdentityProperties<V> {
  if (oidc !== null && (oidc.issuer as unknown) === issuer) {
    throw new Error(`The OIDC issuer cannot be the stage's own guest-token issuer "${issuer}"`);
  }
  return {
    issuer,
    oidcIssuer: oidc?.issuer ?? "",
    oidcAudience: oidc?.audience ?? "",
    oidcJwksUrl: oidc?.jwksUrl ?? "",
  };
}
