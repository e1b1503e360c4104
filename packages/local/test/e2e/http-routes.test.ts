import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpClient, httpClient } from "../../../../test/support/http-client";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  invite,
  joinRoom,
  type Message,
  type Room,
  type Session,
  signIn,
  startE2eStack,
  UNKNOWN_ROOM_ID,
} from "../support/e2e-stack";

let stack: LocalStack;
let owner: Session;
let api: HttpClient;
beforeAll(async () => {
  stack = await startE2eStack();
  owner = await signIn(stack, "Owner");
  api = httpClient(stack.httpUrl, owner);
});
afterAll(() => stack?.stop());

const expectError = (reply: { status: number; json: any }, status: number, code: string) => {
  expect(reply.status).toBe(status);
  expect(reply.json).toMatchObject({ error: { code, message: expect.any(String) } });
};

describe("POST /sessions", () => {
  it("makes a guest (201): a token, a new userId and the normalised name", async () => {
    const reply = await httpClient(stack.httpUrl).post("/sessions", { name: "  Guest  " });
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      user: { userId: expect.any(String), name: "Guest" },
      expiresAt: expect.any(String),
    });
    expect(new Date(reply.json.expiresAt).toISOString()).toBe(reply.json.expiresAt);
    expect(new Date(reply.json.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
    const other = await signIn(stack, "Guest");
    expect(other.user.userId).not.toBe(reply.json.user.userId);
  });

  it("with a valid token renames the same user and returns a fresh token that works", async () => {
    const first = await signIn(stack, "Before");
    const reply = await httpClient(stack.httpUrl, first).post("/sessions", { name: "After" });
    expect(reply.status).toBe(201);
    expect(reply.json.user).toEqual({ userId: first.user.userId, name: "After" });
    const renamed = httpClient(stack.httpUrl, reply.json as Session);
    expect((await renamed.get("/rooms?limit=1")).status).toBe(200);
  });

  it("refuses bad names with 400 and a bad token with 401", async () => {
    for (const body of [
      { name: "" },
      { name: "   " },
      { name: "x".repeat(41) },
      { name: "a\u202Eb" },
      {},
      { name: 5 },
    ]) {
      expectError(await httpClient(stack.httpUrl).post("/sessions", body), 400, "bad_request");
    }
    expect((await httpClient(stack.httpUrl).post("/sessions", { name: "x".repeat(40) })).status).toBe(201);
    expectError(
      await httpClient(stack.httpUrl).post(
        "/sessions",
        { name: "Eve" },
        { authorization: "Bearer not.a.token" },
      ),
      401,
      "unauthorized",
    );
  });
});

describe("every other route needs a bearer token", () => {
  it("answers 401 unauthorized without one, or with a malformed or forged one", async () => {
    const room = await api.createRoom("Guarded");
    const routes: [string, string, unknown?][] = [
      ["POST", "/rooms", { name: "nope" }],
      ["GET", "/rooms"],
      ["GET", `/rooms/${room.roomId}`],
      ["GET", `/rooms/${room.roomId}/messages`],
      ["POST", `/rooms/${room.roomId}/tickets`],
    ];
    const [header, payload] = owner.token.split(".");
    const forged = `${header}.${payload}.${"A".repeat(43)}`;
    for (const [method, path, body] of routes) {
      expectError(await api.anonymous(method, path, body), 401, "unauthorized");
      for (const authorization of ["Bearer", "Basic abc", `Bearer ${forged}`, owner.token]) {
        expectError(await api.call(method, path, { body, headers: { authorization } }), 401, "unauthorized");
      }
    }
    const { json } = await api.get("/rooms?limit=100");
    expect(json.rooms.map((r: Room) => r.name)).not.toContain("nope");
  });
});

describe("POST /rooms", () => {
  it("creates a public room (201) with a trimmed name", async () => {
    const reply = await api.post("/rooms", { name: "  Kitchen  " });
    expect(reply.status).toBe(201);
    expect(reply.headers.get("content-type")).toContain("application/json");
    expect(reply.json.room).toMatchObject({
      roomId: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name: "Kitchen",
      visibility: "public",
    });
    expect(new Date(reply.json.room.createdAt).toISOString()).toBe(reply.json.room.createdAt);
  });

  it("creates a private room when asked", async () => {
    const reply = await api.post("/rooms", { name: "Den", visibility: "private" });
    expect(reply.status).toBe(201);
    expect(reply.json.room).toMatchObject({ name: "Den", visibility: "private" });
  });

  it("refuses bad names and visibilities with 400 and issues", async () => {
    for (const body of [
      { name: "" },
      { name: "   " },
      { name: "x".repeat(81) },
      {},
      { name: 5 },
      { name: "ok", visibility: "secret" },
    ]) {
      const reply = await api.post("/rooms", body);
      expectError(reply, 400, "bad_request");
      expect(reply.json.error.issues?.length).toBeGreaterThan(0);
    }
    expect((await api.post("/rooms", { name: "x".repeat(80) })).status).toBe(201);
  });

  it("refuses malformed JSON with 400 and another content type with 415", async () => {
    expectError(
      await api.post("/rooms", "{not json", { "content-type": "application/json" }),
      400,
      "bad_request",
    );
    expectError(
      await api.post("/rooms", "name=x", { "content-type": "application/x-www-form-urlencoded" }),
      415,
      "unsupported_media_type",
    );
  });
});

describe("GET /rooms", () => {
  it("pages the public rooms newest first with a cursor until null; private rooms never appear", async () => {
    const created: Room[] = [];
    const hidden: Room[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(await api.createRoom(`page ${i}`));
      hidden.push(await api.createRoom(`hidden ${i}`, "private"));
    }
    const seen: Room[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const reply = await api.get(`/rooms${query}`);
      expect(reply.status).toBe(200);
      expect(reply.json.rooms.length).toBeLessThanOrEqual(2);
      seen.push(...reply.json.rooms);
      cursor = reply.json.cursor;
    } while (cursor);
    const newestFirst = created.map((r) => r.roomId).reverse();
    expect(seen.slice(0, 5).map((r) => r.roomId)).toEqual(newestFirst);
    expect(new Set(seen.map((r) => r.roomId)).size).toBe(seen.length);
    expect(seen.every((r) => r.visibility === "public")).toBe(true);
    for (const room of hidden) expect(seen.map((r) => r.roomId)).not.toContain(room.roomId);
  });

  it("defaults to 50 and refuses limits outside 1..100", async () => {
    expect((await api.get("/rooms")).status).toBe(200);
    for (const limit of ["0", "101", "-1", "abc", "1.5"])
      expectError(await api.get(`/rooms?limit=${limit}`), 400, "bad_request");
    expect((await api.get("/rooms?limit=100")).status).toBe(200);
    expect((await api.get("/rooms?limit=1")).json.rooms).toHaveLength(1);
  });
});

describe("GET /rooms/{roomId}", () => {
  it("returns the room and its todos", async () => {
    const room = await api.createRoom("With todos");
    const member = await joinRoom(stack, room.roomId, "Tess");
    member.send({ action: "addTodo", title: "one" });
    await member.nextOfType("todo");
    const reply = await httpClient(stack.httpUrl, member.session).get(`/rooms/${room.roomId}`);
    expect(reply.status).toBe(200);
    expect(reply.json.room).toEqual(room);
    expect(reply.json.todos).toEqual([
      expect.objectContaining({ title: "one", done: false, roomId: room.roomId }),
    ]);
    await member.close();
  });

  it("answers 404 not_found for an unknown room and 400 or 404 for a malformed id", async () => {
    expectError(await api.get(`/rooms/${UNKNOWN_ROOM_ID}`), 404, "not_found");
    expect([400, 404]).toContain((await api.get("/rooms/not-an-id")).status);
  });

  it("hides a private room from non-members (404, as if unknown) and shows it to members", async () => {
    const room = await api.createRoom("Secret", "private");
    const outsider = httpClient(stack.httpUrl, await signIn(stack, "Outsider"));
    const missing = await outsider.get(`/rooms/${UNKNOWN_ROOM_ID}`);
    const hidden = await outsider.get(`/rooms/${room.roomId}`);
    expectError(hidden, 404, "not_found");
    expect(hidden.json.error.code).toBe(missing.json.error.code);
    expectError(await outsider.get(`/rooms/${room.roomId}/messages`), 404, "not_found");

    expect((await api.get(`/rooms/${room.roomId}`)).json).toMatchObject({ room, todos: [], role: "owner" });
    await invite(stack, { owner, member: outsider.session!, roomId: room.roomId });
    expect((await outsider.get(`/rooms/${room.roomId}`)).json).toMatchObject({
      room,
      todos: [],
      role: "member",
    });
    expect((await outsider.get(`/rooms/${room.roomId}/messages`)).json).toEqual({
      messages: [],
      cursor: null,
    });
  });
});

describe("GET /rooms/{roomId}/messages", () => {
  it("pages from the newest, each page oldest to newest, with `before`", async () => {
    const room = await api.createRoom("History");
    const member = await joinRoom(stack, room.roomId, "Hal");
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = clientId(`h${i}`);
      ids.push(id);
      member.send({ action: "sendMessage", text: `message ${i}`, clientMessageId: id });
      await member.next((f: any) => f.type === "message" && f.message.clientMessageId === id);
    }
    // v2: the cursor is a seq (the oldest on the page), `before` takes one; seqs go 1..5.
    const first = await api.get(`/rooms/${room.roomId}/messages?limit=2`);
    expect(first.json.messages.map((m: Message) => m.clientMessageId)).toEqual(ids.slice(3));
    expect(first.json.messages.map((m: Message) => m.seq)).toEqual([4, 5]);
    expect(first.json.cursor).toBe(4);
    const second = await api.get(`/rooms/${room.roomId}/messages?limit=2&before=${first.json.cursor}`);
    expect(second.json.messages.map((m: Message) => m.clientMessageId)).toEqual(ids.slice(1, 3));
    expect(second.json.cursor).toBe(2);
    const third = await api.get(`/rooms/${room.roomId}/messages?limit=2&before=${second.json.cursor}`);
    expect(third.json.messages.map((m: Message) => m.clientMessageId)).toEqual(ids.slice(0, 1));
    expect(third.json.cursor).toBeNull();
    const all = await api.get(`/rooms/${room.roomId}/messages`);
    expect(all.json).toEqual({ messages: expect.any(Array), cursor: null });
    expect(all.json.messages.map((m: Message) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    for (const message of all.json.messages) {
      expect(message).toMatchObject({
        roomId: room.roomId,
        authorId: member.session.user.userId,
        author: "Hal",
        mentions: [],
      });
    }
    // A seq past the newest is a valid `before`: everything older than it.
    expect((await api.get(`/rooms/${room.roomId}/messages?before=99`)).json.messages).toHaveLength(5);
    await member.close();
  });

  it("refuses limits outside 1..100 and answers 404 for an unknown room", async () => {
    const room = await api.createRoom("Limits");
    for (const limit of ["0", "101"])
      expectError(await api.get(`/rooms/${room.roomId}/messages?limit=${limit}`), 400, "bad_request");
    // `before` is a seq: a positive integer.
    for (const before of ["0", "-1", "1.5", "abc", UNKNOWN_ROOM_ID]) {
      expectError(await api.get(`/rooms/${room.roomId}/messages?before=${before}`), 400, "bad_request");
    }
    expectError(await api.get(`/rooms/${UNKNOWN_ROOM_ID}/messages`), 404, "not_found");
  });
});

describe("POST /rooms/{roomId}/tickets", () => {
  it("issues a single-use ticket (201) for a public room to any signed-in user", async () => {
    const room = await api.createRoom("Ticketed");
    const stranger = httpClient(stack.httpUrl, await signIn(stack, "Stranger"));
    const reply = await stranger.post(`/rooms/${room.roomId}/tickets`);
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({ ticket: expect.any(String), expiresAt: expect.any(String) });
    const expiresIn = new Date(reply.json.expiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(50_000);
    expect(expiresIn).toBeLessThanOrEqual(60_000);
    const again = await stranger.post(`/rooms/${room.roomId}/tickets`, {});
    expect(again.status).toBe(201);
    expect(again.json.ticket).not.toBe(reply.json.ticket);
  });

  it("answers 404 for an unknown room, a malformed id, and a private room the caller is not in", async () => {
    expectError(await api.post(`/rooms/${UNKNOWN_ROOM_ID}/tickets`), 404, "not_found");
    expectError(await api.post("/rooms/not-an-id/tickets"), 404, "not_found");
    const room = await api.createRoom("Members only", "private");
    const outsider = httpClient(stack.httpUrl, await signIn(stack, "Outsider"));
    expectError(await outsider.post(`/rooms/${room.roomId}/tickets`), 404, "not_found");
    expect((await api.post(`/rooms/${room.roomId}/tickets`)).status).toBe(201);
    await invite(stack, { owner, member: outsider.session!, roomId: room.roomId });
    expect((await outsider.post(`/rooms/${room.roomId}/tickets`)).status).toBe(201);
  });
});

describe("gateway behaviour on the real API", () => {
  it("answers the browser's CORS preflight (Authorization allowed) and marks responses", async () => {
    const preflight = await fetch(`${stack.httpUrl}/rooms`, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
    const list = await fetch(`${stack.httpUrl}/rooms`, {
      headers: { origin: "http://127.0.0.1:5173", authorization: `Bearer ${owner.token}` },
    });
    expect(list.status).toBe(200);
    expect(list.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers unknown routes 404 like API Gateway", async () => {
    const reply = await api.get("/nothing-here");
    expect(reply).toMatchObject({ status: 404, json: { message: "Not Found" } });
  });
});
