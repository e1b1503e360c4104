import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnauthorizedError } from "../../src/errors";
import { createIdentity, type Identity } from "../../src/identity";

/**
 * A stage that also trusts one OIDC issuer (a Cognito user pool, say). The issuer's JWKS is the seam: it is
 * served from a loopback HTTP server made here, with a key pair generated here.
 */
const secret = randomBytes(32).toString("base64url");
const issuer = "rooms-test";
const oidcIssuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool";
const audience = "app-client-1234";
const kid = "test-key-1";
const sub = "0b6f5c1e-8d3a-4f2e-9a7b-1c2d3e4f5a6b";

let server: Server;
let jwksRequests = 0;
let signingKey: CryptoKey;
let publicJwk: JWK;
let otherKey: CryptoKey;
let identity: Identity;
let jwksUrl: string;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  signingKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" };
  otherKey = (await generateKeyPair("RS256")).privateKey;
  server = createServer((req, res) => {
    if (req.url !== "/.well-known/jwks.json") return void res.writeHead(404).end();
    jwksRequests++;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  identity = createIdentity({ secret, issuer, oidc: { issuer: oidcIssuer, audience, jwksUrl } });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** An OIDC token as the issuer would sign it; claims override the defaults, `undefined` leaves one out. */
function oidcToken(
  claims: Record<string, unknown> = {},
  {
    key = signingKey,
    header = { alg: "RS256", kid },
  }: { key?: CryptoKey; header?: { alg: string; kid?: string } } = {},
) {
  const payload = {
    iss: oidcIssuer,
    aud: audience,
    sub,
    name: "Olive",
    iat: nowSeconds(),
    exp: nowSeconds() + 3600,
    ...claims,
  };
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

async function refusal(verifier: Identity, token: string) {
  const error = await verifier.verify(token).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect(error).toMatchObject({ status: 401, code: "unauthorized" });
}

describe("an OIDC issuer the stage trusts", () => {
  it("accepts its ID tokens: sub becomes the userId and the name claim the name", async () => {
    expect(await identity.verify(await oidcToken())).toEqual({ userId: sub, name: "Olive" });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it("takes the name from preferred_username, cognito:username or email when there is no usable name", async () => {
    expect(
      (await identity.verify(await oidcToken({ name: undefined, preferred_username: "olive_p" }))).name,
    ).toBe("olive_p");
    expect(
      (await identity.verify(await oidcToken({ name: undefined, "cognito:username": "olive-c" }))).name,
    ).toBe("olive-c");
    expect(
      (await identity.verify(await oidcToken({ name: "\u202e", email: "olive@example.com" }))).name,
    ).toBe("olive@example.com");
    expect((await identity.verify(await oidcToken({ name: undefined }))).name).toBe("Member");
  });

  it("accepts a Cognito access token, whose app client is in client_id instead of aud", async () => {
    const token = await oidcToken({
      aud: undefined,
      client_id: audience,
      token_use: "access",
      name: undefined,
      username: "olive",
    });
    expect((await identity.verify(token)).userId).toBe(sub);
  });

  it("accepts an audience list that contains the app client", async () => {
    expect((await identity.verify(await oidcToken({ aud: ["other-app", audience] }))).userId).toBe(sub);
  });

  it("refuses a token for another app client (aud and client_id both wrong, or missing)", async () => {
    await refusal(identity, await oidcToken({ aud: "other-app" }));
    await refusal(identity, await oidcToken({ aud: undefined, client_id: "other-app" }));
    await refusal(identity, await oidcToken({ aud: undefined }));
  });

  it("refuses a token from another issuer, even signed with the trusted key", async () => {
    await refusal(
      identity,
      await oidcToken({ iss: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool" }),
    );
    await refusal(identity, await oidcToken({ iss: undefined }));
  });

  it("refuses a token signed by another key, whether it names the trusted kid or another", async () => {
    await refusal(identity, await oidcToken({}, { key: otherKey }));
    await refusal(
      identity,
      await oidcToken({}, { key: otherKey, header: { alg: "RS256", kid: "attacker-key" } }),
    );
  });

  it("refuses an HS256 token claiming the OIDC issuer (algorithm confusion), whatever it is signed with", async () => {
    const hmac = (key: string | Uint8Array) =>
      new SignJWT({ iss: oidcIssuer, aud: audience, sub, name: "Mallory", exp: nowSeconds() + 3600 })
        .setProtectedHeader({ alg: "HS256", kid })
        .sign(typeof key === "string" ? new TextEncoder().encode(key) : key);
    // With the stage's own guest secret,
    await refusal(identity, await hmac(secret));
    // and with the issuer's public key as the HMAC secret (the classic RS256 → HS256 confusion).
    const { publicKey } = await generateKeyPair("RS256", { extractable: true });
    await refusal(identity, await hmac(await exportSPKI(publicKey)));
    await refusal(identity, await hmac(JSON.stringify(publicJwk)));
  });

  it("refuses an unsigned token claiming the OIDC issuer (alg: none)", async () => {
    const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const payload = b64url({ iss: oidcIssuer, aud: audience, sub, exp: nowSeconds() + 3600 });
    await refusal(identity, `${b64url({ alg: "none" })}.${payload}.`);
    await refusal(identity, `${b64url({ alg: "none", kid })}.${payload}.`);
  });

  it("refuses an expired token, and one without exp", async () => {
    await refusal(identity, await oidcToken({ iat: nowSeconds() - 7200, exp: nowSeconds() - 60 }));
    await refusal(identity, await oidcToken({ exp: undefined }));
  });

  it("refuses a token whose sub is missing or not a usable user id", async () => {
    await refusal(identity, await oidcToken({ sub: undefined }));
    await refusal(identity, await oidcToken({ sub: "has space" }));
    await refusal(identity, await oidcToken({ sub: "a/b" }));
  });

  it("still accepts the stage's own guest tokens next to the OIDC ones", async () => {
    const guest = { userId: "01JP3Q8Z5K7V2M4N6R8T0W2Y4A", name: "Gus" };
    expect(await identity.verify((await identity.issue(guest)).token)).toEqual(guest);
  });

  it("without an audience configured, accepts any app client of the issuer", async () => {
    const anyClient = createIdentity({ secret, issuer, oidc: { issuer: oidcIssuer, jwksUrl } });
    expect((await anyClient.verify(await oidcToken({ aud: "other-app" }))).userId).toBe(sub);
  });

  it("a stage that trusts no OIDC issuer refuses the very same tokens", async () => {
    const guestsOnly = createIdentity({ secret, issuer });
    await refusal(guestsOnly, await oidcToken());
  });
});
