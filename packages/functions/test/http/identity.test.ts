import { createIdentity } from "@rooms/core/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent } from "../support/events";
import {
  captureLogs,
  type HandlerEnv,
  type Invoke,
  loadHandler,
  parseBody,
  startHandlerEnv,
  TEST_ISSUER,
} from "../support/handler-env";

let env: HandlerEnv;
let logs: Record<string, any>[];
let createSession: Invoke;
let createRoom: Invoke;
let listRooms: Invoke;
let getRoom: Invoke;

beforeAll(async () => {
  env = await startHandlerEnv();
  logs = await captureLogs();
  createSession = await loadHandler("http/create-session");
  createRoom = await loadHandler("http/create-room");
  listRooms = await loadHandler("http/list-rooms");
  getRoom = await loadHandler("http/get-room");
});
afterAll(() => env.close());

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Bad credentials, each as the `authorization` header value (undefined: no header at all). */
async function badCredentials(): Promise<[string, string | undefined][]> {
  const { user } = await env.signIn("Ann");
  const forged = await createIdentity({ secret: "another-secret-".repeat(3), issuer: TEST_ISSUER }).issue(
    user,
  );
  const otherStage = await createIdentity({ secret: env.secret, issuer: "rooms-prod" }).issue(user);
  const expired = await env.identity.issue(user, new Date(Date.now() - 31 * 24 * 60 * 60 * 1000));
  const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ iss: TEST_ISSUER, aud: TEST_ISSUER, sub: user.userId, name: "Ann", exp: nowSeconds() + 3600 })}.`;
  const { token } = await env.signIn("Ann");
  return [
    ["no header", undefined],
    ["an empty header", ""],
    ["a malformed token", "Bearer not.a.jwt"],
    ["a bare token without the Bearer scheme", token],
    ["the Basic scheme", `Basic ${Buffer.from("ann:password").toString("base64")}`],
    ["a token signed with another secret", `Bearer ${forged.token}`],
    ["a token of another stage", `Bearer ${otherStage.token}`],
    ["an expired token", `Bearer ${expired.token}`],
    ["an unsigned token (alg: none)", `Bearer ${unsigned}`],
  ];
}

describe("routes that need a signed-in caller", () => {
  it("POST /rooms answers 401 unauthorized to every kind of bad credentials, and creates nothing", async () => {
    const before = await env.tableItems();
    for (const [what, authorization] of await badCredentials()) {
      const event = httpEvent("POST /rooms", {
        body: { name: "should not exist" },
        ...(authorization !== undefined && { headers: { authorization } }),
      });
      const response = await createRoom(event);
      expect(response.statusCode, what).toBe(401);
      expect(parseBody(response), what).toEqual({
        error: { code: "unauthorized", message: expect.any(String) },
      });
    }
    expect(await env.tableItems()).toEqual(before);
  });

  it("GET /rooms answers 401 the same way", async () => {
    for (const [what, authorization] of await badCredentials()) {
      const response = await listRooms(
        httpEvent("GET /rooms", {
          query: {},
          ...(authorization !== undefined && { headers: { authorization } }),
        }),
      );
      expect(response.statusCode, what).toBe(401);
      expect(parseBody(response).error.code, what).toBe("unauthorized");
    }
  });

  it("checks the token before the input: bad token and bad input together is 401, not 400 or 404", async () => {
    const invalidBody = await createRoom(httpEvent("POST /rooms", { body: { name: "" } }));
    expect(invalidBody.statusCode).toBe(401);
    const notJson = await createRoom(httpEvent("POST /rooms", { body: "{nope" }));
    expect(notJson.statusCode).toBe(401);
    const badPath = await getRoom(httpEvent("GET /rooms/{roomId}", { roomId: "nope" }));
    expect(badPath.statusCode).toBe(401);
  });

  it("never takes a token from the query string or a cookie", async () => {
    const { token } = await env.signIn("Ann");
    expect(
      (await listRooms(httpEvent("GET /rooms", { query: { token, access_token: token } }))).statusCode,
    ).toBe(401);
    expect(
      (await listRooms(httpEvent("GET /rooms", { query: {}, headers: { cookie: `token=${token}` } })))
        .statusCode,
    ).toBe(401);
  });

  it("accepts a valid token, with the scheme in any case", async () => {
    const { token } = await env.signIn("Ann");
    expect(
      (await listRooms(httpEvent("GET /rooms", { query: {}, headers: { authorization: `bearer ${token}` } })))
        .statusCode,
    ).toBe(200);
    expect((await listRooms(httpEvent("GET /rooms", { query: {}, token }))).statusCode).toBe(200);
  });

  it("logs a 401 as INFO with the unauthorized code, and never the token", async () => {
    const { token } = await env.signIn("Ann");
    const expired = await env.identity.issue(
      { userId: "01JP3Q8Z5K7V2M4N6R8T0W2Y4A", name: "Ann" },
      new Date(Date.now() - 40 * 24 * 3600 * 1000),
    );
    logs.length = 0;
    await listRooms(
      httpEvent("GET /rooms", { query: {}, headers: { authorization: `Bearer ${expired.token}` } }),
    );
    await listRooms(httpEvent("GET /rooms", { query: {}, token }));
    expect(logs).toEqual([
      expect.objectContaining({ level: "INFO", statusCode: 401, errorCode: "unauthorized" }),
      expect.objectContaining({ level: "INFO", statusCode: 200 }),
    ]);
    expect(JSON.stringify(logs)).not.toContain(expired.token);
    expect(JSON.stringify(logs)).not.toContain(token);
  });
});

describe("POST /sessions", () => {
  it("without a token: a new guest, 201 {token, user, expiresAt}, the token valid for every other route", async () => {
    const response = await createSession(httpEvent("POST /sessions", { body: { name: " ｆｕｌｌ " } }));
    expect(response.statusCode).toBe(201);
    expect(response.headers["content-type"]).toBe("application/json");
    const session = parseBody(response);
    expect(session).toEqual({
      token: expect.any(String),
      user: { userId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/), name: "full" },
      expiresAt: expect.any(String),
    });
    const days = (new Date(session.expiresAt).getTime() - Date.now()) / (24 * 3600 * 1000);
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
    const created = await createRoom(
      httpEvent("POST /rooms", { body: { name: "mine" }, token: session.token }),
    );
    expect(created.statusCode).toBe(201);
    const other = parseBody(await createSession(httpEvent("POST /sessions", { body: { name: "full" } })));
    expect(other.user.userId).not.toBe(session.user.userId);
  });

  it("with a valid token: renames the same user, 201 with a fresh token; the old token still works", async () => {
    const first = parseBody(await createSession(httpEvent("POST /sessions", { body: { name: "Ann" } })));
    const response = await createSession(
      httpEvent("POST /sessions", { body: { name: "Annie" }, token: first.token }),
    );
    expect(response.statusCode).toBe(201);
    const renamed = parseBody(response);
    expect(renamed.user).toEqual({ userId: first.user.userId, name: "Annie" });
    expect(await env.identity.verify(renamed.token)).toEqual(renamed.user);
    expect(await env.identity.verify(first.token)).toEqual(first.user);
    // Rooms made with the new token belong to the same user, under the new name.
    const { room } = parseBody(
      await createRoom(httpEvent("POST /rooms", { body: { name: "renamed" }, token: renamed.token })),
    );
    const view = parseBody(
      await getRoom(httpEvent("GET /rooms/{roomId}", { roomId: room.roomId, token: first.token })),
    );
    expect(view.role).toBe("owner");
  });

  it("with an invalid or expired token: 401, not a new guest", async () => {
    const { user } = await env.signIn("Ann");
    const expired = await env.identity.issue(user, new Date(Date.now() - 31 * 24 * 3600 * 1000));
    for (const authorization of ["Bearer garbage", `Bearer ${expired.token}`, "Basic YW5uOnB3", ""]) {
      const response = await createSession(
        httpEvent("POST /sessions", { body: { name: "Ann" }, headers: { authorization } }),
      );
      expect(response.statusCode, authorization).toBe(401);
      expect(parseBody(response), authorization).toEqual({
        error: { code: "unauthorized", message: expect.any(String) },
      });
    }
  });

  it.each([
    ["empty", ""],
    ["spaces only", "   "],
    ["over 40 characters", "n".repeat(41)],
    ["a right-to-left override", "\u202eevil"],
    ["a control character", "An\u0000n"],
    ["zero-width characters only", "\u200b\u200b"],
    ["an unpaired surrogate", "\ud800"],
    ["not a string", 42],
  ])("refuses a display name that is %s with 400 naming `name`", async (_, name) => {
    const response = await createSession(httpEvent("POST /sessions", { body: { name } }));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).error).toMatchObject({
      code: "bad_request",
      issues: [expect.objectContaining({ path: ["name"] })],
    });
  });

  it("refuses a bad name on rename too (400), whatever the token says", async () => {
    const { token } = await env.signIn("Ann");
    const response = await createSession(
      httpEvent("POST /sessions", { body: { name: "\u2066x\u2069" }, token }),
    );
    expect(response.statusCode).toBe(400);
  });

  it("refuses a missing body or a body without a name with 400", async () => {
    const json = { "content-type": "application/json" };
    expect((await createSession(httpEvent("POST /sessions", { body: null, headers: json }))).statusCode).toBe(
      400,
    );
    expect((await createSession(httpEvent("POST /sessions", { body: {} }))).statusCode).toBe(400);
  });
});
