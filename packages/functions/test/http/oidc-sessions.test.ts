import { createSign, generateKeyPairSync, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent, wsAuthorizerEvent } from "../support/events";
import {
  captureLogs,
  type HandlerEnv,
  type Invoke,
  loadHandler,
  parseBody,
  startHandlerEnv,
  TEST_ISSUER,
} from "../support/handler-env";

/**
 * A stage that trusts one OIDC issuer, through the handlers: an OIDC user's userId is its `sub`, a `sub` shaped like
 * a guest's ULID is refused (so no sign-in becomes a guest), and `POST /sessions` never turns a short OIDC token
 * into a longer one. The issuer is a key pair and a
 * JWKS server made here (with node:crypto: this package does not depend on jose); the stage is told of it before
 * the first handler reads its configuration.
 */
const AUDIENCE = "rooms-web-client";
let env: HandlerEnv;
let jwks: Server;
let issuer: string;
let signingKey: KeyObject;
let createSession: Invoke;
let createRoom: Invoke;
let getRoom: Invoke;
let listMyRooms: Invoke;
let createTicket: Invoke;
let authorize: Invoke;

beforeAll(async () => {
  env = await startHandlerEnv();
  await captureLogs();
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  signingKey = pair.privateKey;
  const jwk = { ...pair.publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256", use: "sig" };
  jwks = createServer((_request, response) =>
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
  process.env.SST_RESOURCE_Identity = JSON.stringify({
    issuer: TEST_ISSUER,
    oidcIssuer: issuer,
    oidcAudience: AUDIENCE,
    oidcJwksUrl: `${issuer}/.well-known/jwks.json`,
  });
  createSession = await loadHandler("http/create-session");
  createRoom = await loadHandler("http/create-room");
  getRoom = await loadHandler("http/get-room");
  listMyRooms = await loadHandler("http/list-my-rooms");
  createTicket = await loadHandler("http/create-ticket");
  authorize = await loadHandler("ws/authorize");
});
afterAll(async () => {
  await env?.close();
  await new Promise((resolve) => jwks?.close(resolve));
});

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An RS256 ID token of the trusted issuer, valid for `lifetimeSeconds`. */
function oidcToken(sub: string, lifetimeSeconds = 300) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer, aud: AUDIENCE, sub, name: "Olive", iat: now, exp: now + lifetimeSeconds };
  const signed = `${b64url({ alg: "RS256", kid: "k1", typ: "JWT" })}.${b64url(claims)}`;
  return `${signed}.${createSign("RSA-SHA256").update(signed).sign(signingKey).toString("base64url")}`;
}

/** The claims of a JWT (read, not verified). */
const decodeJwt = (token: string): { exp?: number; iat?: number } =>
  JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));

describe("POST /sessions with an OIDC token (a rename)", () => {
  it("answers 201 with a token for the same user that expires when the OIDC token does, not in 30 days", async () => {
    const presented = oidcToken("olive-sub", 300);
    const response = await createSession(
      httpEvent("POST /sessions", { body: { name: "Liv" }, token: presented }),
    );
    expect(response.statusCode).toBe(201);
    const session = parseBody(response);
    expect(session.user).toEqual({ userId: "olive-sub", name: "Liv" });
    const oidcExp = decodeJwt(presented).exp!;
    expect(decodeJwt(session.token).exp).toBe(oidcExp);
    expect(session.expiresAt).toBe(new Date(oidcExp * 1000).toISOString());

    // The renamed token works, and renaming with it does not stretch the bound either.
    const again = await createSession(
      httpEvent("POST /sessions", { body: { name: "Olive" }, token: session.token }),
    );
    expect(again.statusCode).toBe(201);
    expect(parseBody(again).user.userId).toBe("olive-sub");
    expect(decodeJwt(parseBody(again).token).exp).toBe(oidcExp);
  });

  it("still gives a guest renaming themselves a fresh 30-day token", async () => {
    const guest = parseBody(await createSession(httpEvent("POST /sessions", { body: { name: "Gus" } })));
    const renamed = parseBody(
      await createSession(httpEvent("POST /sessions", { body: { name: "Gustav" }, token: guest.token })),
    );
    expect(renamed.user).toEqual({ userId: guest.user.userId, name: "Gustav" });
    const claims = decodeJwt(renamed.token);
    expect(claims.exp! - claims.iat!).toBe(30 * 24 * 60 * 60);
  });
});

/** The 401 every unusable bearer token gets. */
const refused = {
  statusCode: 401,
  body: expect.stringContaining('"code":"unauthorized"'),
};

describe("an OIDC sub equal to a guest's userId", () => {
  it("is refused 401 on every route, renaming included, while the guest's own token still works", async () => {
    const guest = parseBody(await createSession(httpEvent("POST /sessions", { body: { name: "Gus" } })));
    const created = await createRoom(
      httpEvent("POST /rooms", { body: { name: "Gus only", visibility: "private" }, token: guest.token }),
    );
    expect(created.statusCode).toBe(201);
    const { roomId } = parseBody(created).room;

    const impostor = oidcToken(guest.user.userId);
    const answers = [
      await getRoom(httpEvent("GET /rooms/{roomId}", { roomId, token: impostor })),
      await listMyRooms(httpEvent("GET /me/rooms", { query: {}, token: impostor })),
      await createRoom(httpEvent("POST /rooms", { body: { name: "Mine now" }, token: impostor })),
      await createSession(httpEvent("POST /sessions", { body: { name: "Gus" }, token: impostor })),
    ];
    for (const answer of answers) expect(answer).toMatchObject(refused);
    expect(parseBody(answers[0]!).error.message).toBe("The bearer token names no usable user");

    // The guest still has the room, and an OIDC sub of another shape still signs in.
    expect((await getRoom(httpEvent("GET /rooms/{roomId}", { roomId, token: guest.token }))).statusCode).toBe(
      200,
    );
    const olive = await listMyRooms(httpEvent("GET /me/rooms", { query: {}, token: oidcToken("olive-sub") }));
    expect(olive.statusCode).toBe(200);
  });

  it("gets no ticket, so it never reaches the WebSocket authorizer; the guest's own ticket connects as the guest", async () => {
    const guest = parseBody(await createSession(httpEvent("POST /sessions", { body: { name: "Gus" } })));
    const room = parseBody(
      await createRoom(
        httpEvent("POST /rooms", { body: { name: "Open", visibility: "public" }, token: guest.token }),
      ),
    ).room;
    const impostor = oidcToken(guest.user.userId);
    expect(
      await createTicket(httpEvent("POST /rooms/{roomId}/tickets", { roomId: room.roomId, token: impostor })),
    ).toMatchObject(refused);

    const ticket = await createTicket(
      httpEvent("POST /rooms/{roomId}/tickets", { roomId: room.roomId, token: guest.token }),
    );
    expect(ticket.statusCode).toBe(201);
    const allowed = await authorize(wsAuthorizerEvent("conn-oidc-1=", { ticket: parseBody(ticket).ticket }));
    expect(allowed.principalId).toBe(guest.user.userId);
    expect(allowed.context.userId).toBe(guest.user.userId);
  });
});
