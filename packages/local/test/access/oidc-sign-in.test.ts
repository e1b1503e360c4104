import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";
import { type LocalStack, startLocalStack } from "../../src/local-stack";

/**
 * A stage that trusts one OIDC issuer (a Cognito user pool on AWS): its JWTs work as bearer tokens, `sub`
 * becoming the userId. The issuer here is a key pair and a JWKS server made inside the test.
 */
const AUDIENCE = "rooms-web-client";
let jwksServer: Server;
let issuer: string;
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
let stack: LocalStack;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256", { extractable: true });
  privateKey = pair.privateKey;
  const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  jwksServer = createServer((request, response) => {
    if (request.url !== "/.well-known/jwks.json") return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  stack = await startLocalStack({
    dynamodb: { endpoint: inject("dynamodbEndpoint") },
    tableName: `oidc-${randomBytes(4).toString("hex")}`,
    limits: RAISED_LIMITS,
    oidc: { issuer, audience: AUDIENCE, jwksUrl: `${issuer}/.well-known/jwks.json` },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

const idToken = (claims: Record<string, unknown>, { key = privateKey, iss = issuer, aud = AUDIENCE } = {}) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "test-key" })
    .setIssuer(iss)
    .setAudience(aud)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(key);

const call = async (method: string, path: string, token: string, body?: unknown) => {
  const response = await fetch(`${stack.httpUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json: any = await response.json().catch(() => undefined);
  return { status: response.status, json };
};

it("an OIDC ID token signs the user in: sub is the userId, the name claim the display name", async () => {
  const token = await idToken({ sub: "0b7e5c1a-oidc-user", name: "Ida Oidc" });
  const created = await call("POST", "/rooms", token, { name: "From Cognito", visibility: "private" });
  expect(created.status).toBe(201);
  const members = await call("GET", `/rooms/${created.json.room.roomId}/members`, token);
  expect(members.json.members).toEqual([
    expect.objectContaining({ userId: "0b7e5c1a-oidc-user", name: "Ida Oidc", role: "owner" }),
  ]);
  // Renaming through POST /sessions keeps the OIDC userId and hands back a guest-style token for it.
  const renamed = await call("POST", "/sessions", token, { name: "Ida" });
  expect(renamed).toMatchObject({
    status: 201,
    json: { user: { userId: "0b7e5c1a-oidc-user", name: "Ida" } },
  });
  expect((await call("GET", "/me/rooms", renamed.json.token)).json.rooms).toHaveLength(1);
});

it("tokens of another key, issuer or audience are refused 401", async () => {
  const stranger = (await generateKeyPair("RS256")).privateKey;
  const refused = [
    await idToken({ sub: "u1" }, { key: stranger }),
    await idToken({ sub: "u1" }, { iss: "http://127.0.0.1:1/other" }),
    await idToken({ sub: "u1" }, { aud: "someone-else" }),
  ];
  for (const token of refused) expect((await call("GET", "/me/rooms", token)).status).toBe(401);
});
