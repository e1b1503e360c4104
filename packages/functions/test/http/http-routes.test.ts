import type { Db } from "@rooms/core/db";
import { Membership } from "@rooms/core/membership";
import { Message } from "@rooms/core/message";
import { Todo } from "@rooms/core/todo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpEventOptions, type HttpRouteKey, httpEvent } from "../support/events";
import {
  captureLogs,
  type Invoke,
  loadHandler,
  parseBody,
  type SignedIn,
  startHandlerEnv,
} from "../support/handler-env";

const unknownRoomId = "01JP3Q8Z5K7V2M4N6R8T0W2Y4A";

let env: Awaited<ReturnType<typeof startHandlerEnv>>;
let db: Db;
let logs: Record<string, any>[];
let createRoom: Invoke;
let listRooms: Invoke;
let getRoom: Invoke;
let listMessages: Invoke;
let ann: SignedIn;

beforeAll(async () => {
  env = await startHandlerEnv();
  db = env.db;
  logs = await captureLogs();
  createRoom = await loadHandler("http/create-room");
  listRooms = await loadHandler("http/list-rooms");
  getRoom = await loadHandler("http/get-room");
  listMessages = await loadHandler("http/list-messages");
  ann = await env.signIn("Ann");
});
afterAll(() => env.close());

/** An event from Ann, signed in (every route but POST /sessions needs a bearer token). */
const signed = (route: HttpRouteKey, options: HttpEventOptions = {}) =>
  httpEvent(route, { token: ann.token, ...options });
const create = async (name: string, visibility?: "public" | "private", as = ann) =>
  parseBody(await createRoom(httpEvent("POST /rooms", { body: { name, visibility }, token: as.token }))).room;

describe("POST /rooms", () => {
  it("creates a room: 201 {room} with a JSON content type", async () => {
    const response = await createRoom(signed("POST /rooms", { body: { name: "  Standup  " } }));
    expect(response.statusCode).toBe(201);
    expect(response.headers["content-type"]).toBe("application/json");
    const { room } = parseBody(response);
    expect(room).toEqual({
      roomId: expect.stringMatching(/^[0-9A-Z]{26}$/),
      name: "Standup",
      createdAt: expect.any(String),
      visibility: "public",
      lastSeq: 0,
    });
    expect(new Date(room.createdAt).toISOString()).toBe(room.createdAt);
  });

  it("makes the caller the owner; visibility may be private", async () => {
    const response = await createRoom(
      signed("POST /rooms", { body: { name: "Hidden", visibility: "private" } }),
    );
    expect(response.statusCode).toBe(201);
    const { room } = parseBody(response);
    expect(room.visibility).toBe("private");
    expect(await Membership.get(db, { roomId: room.roomId, userId: ann.user.userId })).toMatchObject({
      role: "owner",
      name: "Ann",
    });
  });

  it("refuses an unknown visibility with 400 naming it", async () => {
    const response = await createRoom(signed("POST /rooms", { body: { name: "x", visibility: "secret" } }));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).error.issues).toEqual([expect.objectContaining({ path: ["visibility"] })]);
  });

  it.each([
    ["empty name", { name: "   " }],
    ["name over 80", { name: "x".repeat(81) }],
    ["no name", {}],
    ["name not a string", { name: 42 }],
  ])("refuses %s with 400 and issues", async (_, body) => {
    const response = await createRoom(signed("POST /rooms", { body }));
    expect(response.statusCode).toBe(400);
    const { error } = parseBody(response);
    expect(error).toMatchObject({ code: "bad_request", message: expect.any(String) });
    expect(error.issues).toEqual([expect.objectContaining({ path: ["name"], message: expect.any(String) })]);
  });

  it("refuses malformed JSON with 400 bad_request", async () => {
    const response = await createRoom(signed("POST /rooms", { body: '{"name":' }));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response)).toEqual({
      error: { code: "bad_request", message: "Body is not valid JSON" },
    });
  });

  it("refuses a missing body with 400 bad_request", async () => {
    const response = await createRoom(signed("POST /rooms", { body: null }));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).error.code).toBe("bad_request");
  });

  it("refuses a JSON body that is not an object with 400 and issues", async () => {
    const response = await createRoom(signed("POST /rooms", { body: "[1,2]" }));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).error.issues.length).toBeGreaterThan(0);
  });

  it("refuses a non-JSON content type with 415 unsupported_media_type", async () => {
    const response = await createRoom(
      signed("POST /rooms", {
        body: "name=Standup",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      }),
    );
    expect(response.statusCode).toBe(415);
    expect(parseBody(response).error.code).toBe("unsupported_media_type");
  });

  it("accepts application/json with a charset", async () => {
    const response = await createRoom(
      signed("POST /rooms", {
        body: { name: "charset" },
        headers: { "content-type": "application/json; charset=utf-8" },
      }),
    );
    expect(response.statusCode).toBe(201);
  });

  it("refuses an oversized body with 413 too_large before parsing it", async () => {
    const response = await createRoom(signed("POST /rooms", { body: { name: "x".repeat(20_000) } }));
    expect(response.statusCode).toBe(413);
    expect(parseBody(response).error.code).toBe("too_large");
  });

  it("decodes a base64-encoded body", async () => {
    const event = signed("POST /rooms", { body: Buffer.from('{"name":"b64"}').toString("base64") });
    event.isBase64Encoded = true;
    const response = await createRoom(event);
    expect(response.statusCode).toBe(201);
    expect(parseBody(response).room.name).toBe("b64");
  });
});

describe("GET /rooms", () => {
  it("pages newest first with a cursor, null on the last page", async () => {
    const names = ["page-a", "page-b", "page-c"];
    for (const name of names) await create(name);
    const first = await listRooms(signed("GET /rooms", { query: { limit: "2" } }));
    expect(first.statusCode).toBe(200);
    const page1 = parseBody(first);
    expect(page1.rooms.map((r: { name: string }) => r.name)).toEqual(["page-c", "page-b"]);
    expect(page1.cursor).toEqual(expect.any(String));
    const page2 = parseBody(
      await listRooms(signed("GET /rooms", { query: { limit: "1", cursor: page1.cursor } })),
    );
    expect(page2.rooms.map((r: { name: string }) => r.name)).toEqual(["page-a"]);
  });

  it("lists public rooms only: a private room is never in the list, not even its owner's", async () => {
    const hidden = await create("never listed", "private");
    const visible = await create("listed");
    const { rooms } = parseBody(await listRooms(signed("GET /rooms", { query: { limit: "100" } })));
    const ids = rooms.map((r: { roomId: string }) => r.roomId);
    expect(ids).toContain(visible.roomId);
    expect(ids).not.toContain(hidden.roomId);
    expect(rooms.every((r: { visibility: string }) => r.visibility === "public")).toBe(true);
  });

  it("defaults limit to 50 when there is no query string", async () => {
    const response = await listRooms(signed("GET /rooms", { query: {} }));
    expect(response.statusCode).toBe(200);
    const body = parseBody(response);
    expect(Object.keys(body).sort()).toEqual(["cursor", "rooms"]);
    expect(body.cursor).toBeNull();
  });

  it.each(["0", "101", "abc", "2.5", ""])(
    "refuses limit=%j with 400 and issues (no clamping)",
    async (limit) => {
      const response = await listRooms(signed("GET /rooms", { query: { limit } }));
      expect(response.statusCode).toBe(400);
      const { error } = parseBody(response);
      expect(error.code).toBe("bad_request");
      expect(error.issues[0].path).toEqual(["limit"]);
    },
  );

  it("refuses a malformed cursor with 400", async () => {
    const response = await listRooms(signed("GET /rooms", { query: { cursor: "not-a-cursor" } }));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).error.issues[0].path).toEqual(["cursor"]);
  });
});

describe("GET /rooms/{roomId}", () => {
  it("returns the room and its todos", async () => {
    const room = await create("with todos");
    const { todo } = await Todo.add(db, {
      roomId: room.roomId,
      userId: ann.user.userId,
      title: "write tests",
    });
    const response = await getRoom(signed("GET /rooms/{roomId}", { roomId: room.roomId }));
    expect(response.statusCode).toBe(200);
    expect(parseBody(response)).toEqual({ room, todos: [todo], role: "owner" });
  });

  it("a public room is readable by any signed-in user (role null: not a member)", async () => {
    const room = await create("open to all");
    const bob = await env.signIn("Bob");
    const response = await getRoom(
      httpEvent("GET /rooms/{roomId}", { roomId: room.roomId, token: bob.token }),
    );
    expect(response.statusCode).toBe(200);
    expect(parseBody(response)).toEqual({ room, todos: [], role: null });
  });

  it("a private room is 404 to a non-member, in the very words used for a room that does not exist", async () => {
    const room = await create("members only", "private");
    const bob = await env.signIn("Bob");
    const hidden = await getRoom(httpEvent("GET /rooms/{roomId}", { roomId: room.roomId, token: bob.token }));
    const missing = await getRoom(
      httpEvent("GET /rooms/{roomId}", { roomId: unknownRoomId, token: bob.token }),
    );
    expect(hidden.statusCode).toBe(404);
    expect(parseBody(hidden).error.message.replace(room.roomId, "ID")).toBe(
      parseBody(missing).error.message.replace(unknownRoomId, "ID"),
    );
    expect(hidden.body).not.toContain("members only");
  });

  it("answers 404 not_found for an unknown room", async () => {
    const response = await getRoom(signed("GET /rooms/{roomId}", { roomId: unknownRoomId }));
    expect(response.statusCode).toBe(404);
    expect(parseBody(response).error).toEqual({
      code: "not_found",
      message: expect.stringContaining(unknownRoomId),
    });
  });

  it("answers 404 for a room id that cannot exist (a path names nothing, it is not bad input)", async () => {
    const response = await getRoom(signed("GET /rooms/{roomId}", { roomId: "nope" }));
    expect(response.statusCode).toBe(404);
    expect(parseBody(response).error.code).toBe("not_found");
  });
});

describe("GET /rooms/{roomId}/messages", () => {
  it("pages history oldest to newest, ending at the newest, with a cursor to older pages", async () => {
    const room = await create("chatty");
    for (const n of [1, 2, 3]) {
      await Message.send(db, {
        roomId: room.roomId,
        authorId: ann.user.userId,
        author: "Ann",
        text: `m${n}`,
        clientMessageId: `c${n}`,
      });
    }
    const first = parseBody(
      await listMessages(
        signed("GET /rooms/{roomId}/messages", { roomId: room.roomId, query: { limit: "2" } }),
      ),
    );
    expect(first.messages.map((m: { text: string }) => m.text)).toEqual(["m2", "m3"]);
    expect(first.messages[0]).toEqual({
      messageId: expect.any(String),
      roomId: room.roomId,
      seq: 2,
      clientMessageId: "c2",
      authorId: ann.user.userId,
      author: "Ann",
      text: "m2",
      mentions: [],
      sentAt: expect.any(String),
      reactions: [],
    });
    expect(first.cursor).toBe(2);
    const older = parseBody(
      await listMessages(
        signed("GET /rooms/{roomId}/messages", {
          roomId: room.roomId,
          query: { limit: "2", before: String(first.cursor) },
        }),
      ),
    );
    expect(older).toEqual({ messages: [expect.objectContaining({ text: "m1" })], cursor: null });
  });

  it("a private room's history is 404 to a non-member and readable by its members", async () => {
    const room = await create("quiet", "private");
    await Message.send(db, {
      roomId: room.roomId,
      authorId: ann.user.userId,
      author: "Ann",
      text: "secret",
      clientMessageId: "s1",
    });
    const bob = await env.signIn("Bob");
    const outsider = await listMessages(
      httpEvent("GET /rooms/{roomId}/messages", { roomId: room.roomId, query: {}, token: bob.token }),
    );
    expect(outsider.statusCode).toBe(404);
    expect(outsider.body).not.toContain("secret");
    const member = await listMessages(
      signed("GET /rooms/{roomId}/messages", { roomId: room.roomId, query: {} }),
    );
    expect(parseBody(member).messages.map((m: { text: string }) => m.text)).toEqual(["secret"]);
  });

  it("answers 404 for an unknown room rather than an empty page", async () => {
    const response = await listMessages(
      signed("GET /rooms/{roomId}/messages", { roomId: unknownRoomId, query: {} }),
    );
    expect(response.statusCode).toBe(404);
    expect(parseBody(response).error.code).toBe("not_found");
  });

  it.each(["0", "101"])("refuses limit=%s with 400", async (limit) => {
    const room = await create("limits");
    const response = await listMessages(
      signed("GET /rooms/{roomId}/messages", { roomId: room.roomId, query: { limit } }),
    );
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).error.issues[0].path).toEqual(["limit"]);
  });

  it("refuses a malformed before cursor with 400", async () => {
    const room = await create("cursors");
    const response = await listMessages(
      signed("GET /rooms/{roomId}/messages", { roomId: room.roomId, query: { before: "zzz" } }),
    );
    expect(response.statusCode).toBe(400);
  });
});

describe("logging", () => {
  it("writes one structured line per invocation with route, status and duration", async () => {
    logs.length = 0;
    await getRoom(signed("GET /rooms/{roomId}", { roomId: unknownRoomId }));
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: "INFO",
      message: "invocation",
      service: "rooms",
      route: "GET /rooms/{roomId}",
      roomId: unknownRoomId,
      statusCode: 404,
      errorCode: "not_found",
      durationMs: expect.any(Number),
    });
  });
});
