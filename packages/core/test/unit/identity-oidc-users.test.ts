import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, decodeJwt, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bearerTokenExpiry,
  createIdentity,
  GUEST_TOKEN_TTL_SECONDS,
  type Identity,
  startSession,
} from "../../src/identity";

/**
 * What an OIDC sign-in may and may not become: its userId is its `sub`, but never a guest's (a `sub` shaped like a
 * guest's ULID is refused), and a rename never outlives the OIDC token it was made from. The issuer is a key pair
 * and a JWKS server made here.
 */
const secret = randomBytes(32).toString("base64url");
const issuer = "rooms-test";
const oidcIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool";
const audience = "app-client-1234";
const kid = "test-key-1";

let server: Server;
let signingKey: CryptoKey;
let identity: Identity;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" };
  server = createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] })),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  identity = createIdentity({ secret, issuer, oidc: { issuer: oidcIssuer, audience, jwksUrl } });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** An ID token of the trusted issuer for `sub`, valid `lifetimeSeconds`. */
const oidcToken = (sub: string, lifetimeSeconds = 300) =>
  new SignJWT({ iss: oidcIssuer, aud: audience, sub, name: "Olive", exp: nowSeconds() + lifetimeSeconds })
    .setProtectedHeader({ alg: "RS256", kid })
    .setIssuedAt()
    .sign(signingKey);

describe("OIDC users' userIds", () => {
  it("are the sub itself, and never a guest's: a sub equal to a guest's userId is refused", async () => {
    const guest = await startSession(identity, { input: { name: "Gus" } });
    const impostor = identity.verify(await oidcToken(guest.user.userId));
    await expect(impostor).rejects.toMatchObject({
      status: 401,
      code: "unauthorized",
      message: "The bearer token names no usable user",
    });
    // The guest's own token still names the guest.
    expect((await identity.verify(guest.token)).userId).toBe(guest.user.userId);
  });

  it("refuses any ULID-shaped sub, a guest of this stage or not", async () => {
    await expect(identity.verify(await oidcToken("01ARZ3NDEKTSV4RRFFQ69G5FAV"))).rejects.toMatchObject({
      status: 401,
      code: "unauthorized",
    });
    // One character short is not a guest's id's shape, so it is an ordinary sub.
    expect((await identity.verify(await oidcToken("01ARZ3NDEKTSV4RRFFQ69G5FA"))).userId).toBe(
      "01ARZ3NDEKTSV4RRFFQ69G5FA",
    );
  });

  it("are the same for every token of one sub, so an OIDC user keeps their rooms across sign-ins", async () => {
    const first = await identity.verify(await oidcToken("0b6f5c1e-8d3a-4f2e-9a7b-1c2d3e4f5a6b"));
    const later = await identity.verify(await oidcToken("0b6f5c1e-8d3a-4f2e-9a7b-1c2d3e4f5a6b", 3600));
    expect(first.userId).toBe("0b6f5c1e-8d3a-4f2e-9a7b-1c2d3e4f5a6b");
    expect(later.userId).toBe(first.userId);
  });
});

describe("renaming (startSession with a caller)", () => {
  it("gives an OIDC user a token that expires with the one they presented, not in 30 days", async () => {
    const presented = await oidcToken("olive-sub", 300);
    const caller = await identity.verify(presented);
    const callerExpiresAt = bearerTokenExpiry(`Bearer ${presented}`);
    expect(callerExpiresAt?.getTime()).toBe(decodeJwt(presented).exp! * 1000);

    const renamed = await startSession(identity, { input: { name: "Liv" }, caller, callerExpiresAt });
    expect(renamed.user).toEqual({ userId: caller.userId, name: "Liv" });
    expect(renamed.expiresAt).toBe(callerExpiresAt!.toISOString());
    expect(decodeJwt(renamed.token).exp).toBe(decodeJwt(presented).exp);
    expect(await identity.verify(renamed.token)).toEqual(renamed.user);

    // Renaming again with the renamed token keeps that bound: it never stretches back to 30 days.
    const again = await startSession(identity, {
      input: { name: "Olive" },
      caller: renamed.user,
      callerExpiresAt: bearerTokenExpiry(`Bearer ${renamed.token}`),
    });
    expect(again.expiresAt).toBe(callerExpiresAt!.toISOString());
  });

  it("refuses to issue anything for an OIDC caller whose token expiry was not given", async () => {
    const caller = await identity.verify(await oidcToken("olive-sub"));
    await expect(startSession(identity, { input: { name: "Liv" }, caller })).rejects.toThrow(/expiry/);
  });

  it("still gives a guest a fresh 30-day token, whatever their current token's expiry", async () => {
    const now = new Date();
    const guest = await startSession(identity, { input: { name: "Gus" }, now });
    const renamed = await startSession(identity, {
      input: { name: "Gustav" },
      caller: guest.user,
      callerExpiresAt: new Date(now.getTime() + 60_000),
      now,
    });
    expect(renamed.user.userId).toBe(guest.user.userId);
    const claims = decodeJwt(renamed.token);
    expect(claims.exp! - claims.iat!).toBe(GUEST_TOKEN_TTL_SECONDS);
  });
});

describe("bearerTokenExpiry", () => {
  it("is undefined without a bearer token", () => {
    expect(bearerTokenExpiry(undefined)).toBeUndefined();
    expect(bearerTokenExpiry("Basic dXNlcjpwYXNz")).toBeUndefined();
  });
});
