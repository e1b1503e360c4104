import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../src/local-stack";
import { clientId, httpApi, joinRoom, type Message, type Room, startE2eStack, UNKNOWN_ROOM_ID } from "../support/e2e-stack";

let stack: LocalStack;
let api: ReturnType<typeof httpApi>;
beforeAll(async () => {
  stack = await startE2eStack();
  api = httpApi(stack);
});
afterAll(() => stack?.stop());

const expectError = (reply: { status: number; json: any }, status: number, code: string) => {
  expect(reply.status).toBe(status);
  expect(reply.json).toMatchObject({ error: { code, message: expect.any(String) } });
};

describe("POST /rooms", () => {
  it("creates a room (201) with a trimmed name", async () => {
    const reply = await api.post("/rooms", { name: "  Kitchen  " });
    expect(reply.status).toBe(201);
    expect(reply.headers.get("content-type")).toContain("application/json");
    expect(reply.json.room).toMatchObject({ roomId: expect.stringMatching(/^[0-9A-Z]{26}$/), name: "Kitchen" });
    expect(new Date(reply.json.room.createdAt).toISOString()).toBe(reply.json.room.createdAt);
  });

  it("refuses bad names with 400 and issues", async () => {
    for (const body of [{ name: "" }, { name: "   " }, { name: "x".repeat(81) }, {}, { name: 5 }]) {
      const reply = await api.post("/rooms", body);
      expectError(reply, 400, "bad_request");
      // docs/api.md leaves open where `issues` sits; the handlers put it inside `error`.
      expect((reply.json.error.issues ?? reply.json.issues)?.length).toBeGreaterThan(0);
    }
    expect((await api.post("/rooms", { name: "x".repeat(80) })).status).toBe(201);
  });

  it("refuses malformed JSON with 400 and another content type with 415", async () => {
    expectError(await api.post("/rooms", "{not json"), 400, "bad_request");
    expectError(await api.post("/rooms", "name=x", { "content-type": "application/x-www-form-urlencoded" }), 415, "unsupported_media_type");
  });
});

describe("GET /rooms", () => {
  it("pages newest first with a cursor until null", async () => {
    const created: Room[] = [];
    for (let i = 0; i < 5; i++) created.push(await api.createRoom(`page ${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
      const reply = await api.get(`/rooms${query}`);
      expect(reply.status).toBe(200);
      expect(reply.json.rooms.length).toBeLessThanOrEqual(2);
      seen.push(...reply.json.rooms.map((r: Room) => r.roomId));
      cursor = reply.json.cursor;
    } while (cursor);
    const newestFirst = created.map((r) => r.roomId).reverse();
    expect(seen.slice(0, 5)).toEqual(newestFirst);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("defaults to 50 and refuses limits outside 1..100", async () => {
    expect((await api.get("/rooms")).status).toBe(200);
    for (const limit of ["0", "101", "-1", "abc", "1.5"]) expectError(await api.get(`/rooms?limit=${limit}`), 400, "bad_request");
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
    const reply = await api.get(`/rooms/${room.roomId}`);
    expect(reply.status).toBe(200);
    expect(reply.json.room).toEqual(room);
    expect(reply.json.todos).toEqual([expect.objectContaining({ title: "one", done: false, roomId: room.roomId })]);
    await member.close();
  });

  it("answers 404 not_found for an unknown room and 400 or 404 for a malformed id", async () => {
    expectError(await api.get(`/rooms/${UNKNOWN_ROOM_ID}`), 404, "not_found");
    expect([400, 404]).toContain((await api.get("/rooms/not-an-id")).status);
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
    const first = await api.get(`/rooms/${room.roomId}/messages?limit=2`);
    expect(first.json.messages.map((m: Message) => m.clientMessageId)).toEqual(ids.slice(3));
    expect(first.json.cursor).toEqual(expect.any(String));
    const second = await api.get(`/rooms/${room.roomId}/messages?limit=2&before=${first.json.cursor}`);
    expect(second.json.messages.map((m: Message) => m.clientMessageId)).toEqual(ids.slice(1, 3));
    const third = await api.get(`/rooms/${room.roomId}/messages?limit=2&before=${second.json.cursor}`);
    expect(third.json.messages.map((m: Message) => m.clientMessageId)).toEqual(ids.slice(0, 1));
    expect(third.json.cursor).toBeNull();
    const all = await api.get(`/rooms/${room.roomId}/messages`);
    expect(all.json).toEqual({ messages: expect.any(Array), cursor: null });
    expect(all.json.messages).toHaveLength(5);
    await member.close();
  });

  it("refuses limits outside 1..100 and answers 404 for an unknown room", async () => {
    const room = await api.createRoom("Limits");
    for (const limit of ["0", "101"]) expectError(await api.get(`/rooms/${room.roomId}/messages?limit=${limit}`), 400, "bad_request");
    expectError(await api.get(`/rooms/${UNKNOWN_ROOM_ID}/messages`), 404, "not_found");
  });
});

describe("gateway behaviour on the real API", () => {
  it("answers the browser's CORS preflight and marks responses", async () => {
    const preflight = await fetch(`${stack.httpUrl}/rooms`, {
      method: "OPTIONS",
      headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    const list = await fetch(`${stack.httpUrl}/rooms`, { headers: { origin: "http://127.0.0.1:5173" } });
    expect(list.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("answers unknown routes 404 like API Gateway", async () => {
    const reply = await api.get("/nothing-here");
    expect(reply).toMatchObject({ status: 404, json: { message: "Not Found" } });
  });
});
