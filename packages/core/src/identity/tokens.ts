import { createRemoteJWKSet, decodeJwt, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { UnauthorizedError } from "../errors/domain-errors";
import type { User } from "../protocol/shapes";
import { displayName } from "./display-name";
import { isGuestUserId, userIdSchema } from "./user-id";

export { userIdSchema };

/** Guest sessions last 30 days; renaming issues a fresh token for the same user. */
export const GUEST_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
const GUEST_ALGORITHM = "HS256";
/** What a trusted OIDC issuer may sign with (Cognito uses RS256). Never "none", never a symmetric algorithm. */
const OIDC_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"];
const NO_USER = "The bearer token names no usable user";

export interface IdentityConfig {
  /** The stage's signing secret for guest tokens (SST secret on AWS, a file under .data locally). */
  secret: string;
  /** `iss` and `aud` of guest tokens: one name per stage, so a token of one stage is refused by another. */
  issuer: string;
  /** One OIDC issuer the stage also trusts (a Cognito user pool, say): its `sub` becomes the userId. */
  oidc?: { issuer: string; audience?: string; jwksUrl: string };
}

export interface Identity {
  /** Signs a guest token for `user`, valid 30 days from `now`, or until `notAfter` if that comes first. */
  issue(user: User, now?: Date, options?: { notAfter?: Date }): Promise<{ token: string; expiresAt: string }>;
  /** The user a bearer token names; UnauthorizedError for anything that does not verify. */
  verify(token: string): Promise<User>;
}

/** Guest tokens (HS256 with the stage secret) and, optionally, one OIDC issuer's tokens (via its JWKS). */
export function createIdentity({ secret, issuer, oidc }: IdentityConfig): Identity {
  if (secret.length < 32) throw new Error("The signing secret must be at least 32 characters");
  const key = new TextEncoder().encode(secret);
  const jwks = oidc ? createRemoteJWKSet(new URL(oidc.jwksUrl)) : undefined;

  async function verifyGuest(token: string) {
    const { payload } = await jwtVerify(token, key, {
      issuer,
      audience: issuer,
      algorithms: [GUEST_ALGORITHM],
      requiredClaims: ["sub", "exp"],
    });
    return payload;
  }

  async function verifyOidc(token: string) {
    if (!oidc || !jwks) throw new UnauthorizedError();
    const { payload } = await jwtVerify(token, jwks, {
      issuer: oidc.issuer,
      algorithms: OIDC_ALGORITHMS,
      requiredClaims: ["sub", "exp"],
    });
    // ID tokens carry the app client in `aud`; Cognito access tokens carry it in `client_id`.
    const audiences = [payload.aud, payload.client_id]
      .flat()
      .filter((a): a is string => typeof a === "string");
    if (oidc.audience && !audiences.includes(oidc.audience))
      throw new UnauthorizedError("The token was issued for another application");
    // Guests' userIds are ULIDs: a sub of that shape could name a guest, so the issuer's token is refused.
    if (typeof payload.sub === "string" && isGuestUserId(payload.sub)) throw new UnauthorizedError(NO_USER);
    return payload;
  }

  return {
    async issue(user, now = new Date(), { notAfter } = {}) {
      const issuedAt = Math.floor(now.getTime() / 1000);
      const expiresAt = Math.min(
        issuedAt + GUEST_TOKEN_TTL_SECONDS,
        notAfter ? Math.floor(notAfter.getTime() / 1000) : Number.POSITIVE_INFINITY,
      );
      const token = await new SignJWT({ name: user.name })
        .setProtectedHeader({ alg: GUEST_ALGORITHM, typ: "JWT" })
        .setIssuer(issuer)
        .setAudience(issuer)
        .setSubject(user.userId)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .sign(key);
      return { token, expiresAt: new Date(expiresAt * 1000).toISOString() };
    },

    async verify(token) {
      let payload: JWTPayload;
      try {
        const claimedIssuer = decodeJwt(token).iss;
        payload = claimedIssuer === issuer ? await verifyGuest(token) : await verifyOidc(token);
      } catch (error) {
        if (error instanceof UnauthorizedError) throw error;
        // The OIDC issuer's keys could not be fetched: an outage on our side (500), not the caller's bad token.
        if (isJwksOutage(error)) throw error;
        throw new UnauthorizedError(
          "The bearer token is not valid (malformed, forged or expired); sign in again",
        );
      }
      const userId = userIdSchema.safeParse(payload.sub);
      if (!userId.success) throw new UnauthorizedError(NO_USER);
      return { userId: userId.data, name: nameFromClaims(payload) };
    },
  };
}

/** jose's errors for a JWKS that did not answer (timeout, network failure, not JSON), as opposed to a bad token. */
function isJwksOutage(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (code === "ERR_JWKS_TIMEOUT" || code === "ERR_JOSE_GENERIC") return true;
  // A failed fetch (connection refused, DNS) surfaces as a plain TypeError, not a JOSE error.
  return error instanceof TypeError;
}

/** Guest tokens carry `name`; OIDC tokens may carry any of these. A name that does not pass is replaced. */
function nameFromClaims(payload: JWTPayload): string {
  for (const claim of ["name", "preferred_username", "cognito:username", "email"]) {
    const parsed = displayName.safeParse(payload[claim]);
    if (parsed.success) return parsed.data;
  }
  return "Member";
}

/**
 * When the bearer token of an `Authorization` header expires, read without verifying it: only for a header that
 * was verified already (the `authenticate` middleware), to keep what is issued for it from outliving it.
 */
export function bearerTokenExpiry(header: string | undefined): Date | undefined {
  const token = bearerToken(header);
  if (!token) return undefined;
  const { exp } = decodeJwt(token);
  return typeof exp === "number" ? new Date(exp * 1000) : undefined;
}

/** The token of an `Authorization: Bearer <token>` header value; null when absent or not a bearer. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}
