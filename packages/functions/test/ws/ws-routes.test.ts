import { Connection } from "@rooms/core/connection";
import type { Db } from "@rooms/core/db";
import { Message } from "@rooms/core/message";
import type { Room } from "@rooms/core/protocol";
import { Room as Rooms } from "@rooms/core/room";
import { Todo } from "@rooms/core/todo";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FakeConnectionsApi } from "../support/fake-connections-api";
import { wsConnectEvent, wsDisconnectEvent, wsMessageEvent } from "../support/events";
import { captureLogs, type Invoke, loadHandler, parseBody, startHandlerEnv } from "../support/handler-env";

const unknownRoomId = "01JP3Q8Z5K7V2M4N6R8T0W2Y4A";

let env: Awaited<ReturnType<typeof startHandlerEnv>>;
let db: Db;
let api: FakeConnectionsApi;
let logs: Record<string, any>[];
const handlers: Record<string, Invoke> = {};

beforeAll(async () => {
  env = await startHandlerEnv();
  ({ db, connections: api } = env);
  logs = await captureLogs();
  for (const module of ["connect", "disconnect", "default", "send-message", "add-todo", "update-todo", "delete-todo", "sync", "ping"]) {
    handlers[module] = await loadHandler(`ws/${module}`);
  }
});
afterAll(() => env.close());
beforeEach(() => api.clear());

let nextId = 0;
/** A room with members joined through the real $connect handler; their ids are API Gateway-like strings. */
async function roomWith(...names: string[]): Promise<{ room: Room; ids: string[] }> {
  const room = await Rooms.create(db, { name: `room ${++nextId}` });
  const ids: string[] = [];
  for (const name of names) {
    const id = `${name}-${nextId}-Zg=`;
    expect(await handlers.connect!(wsConnectEvent(id, { roomId: room.roomId, name }))).toMatchObject({ statusCode: 200 });
    ids.push(id);
  }
  api.clear();
  return { room, ids };
}

const send = (connectionId: string, frame: unknown) => {
  const event = wsMessageEvent(connectionId, frame);
  const module = { $default: "default", sendMessage: "send-message", addTodo: "add-todo", updateTodo: "update-todo", deleteTodo: "delete-todo", sync: "sync", ping: "ping" }[
    event.requestContext.routeKey
  ]!;
  return handlers[module]!(event);
};

describe("$connect", () => {
  it("joins the room and announces memberJoined to the others, not to the socket still opening", async () => {
    const { room, ids: [ann] } = await roomWith("Ann");
    const response = await handlers.connect!(wsConnectEvent("bob-Zg=", { roomId: room.roomId, name: " Bob " }));
    expect(response).toEqual({ statusCode: 200 });
    expect(api.framesFor(ann!)).toEqual([
      { type: "memberJoined", member: { memberId: expect.any(String), name: "Bob", connectedAt: expect.any(String) } },
    ]);
    expect(api.framesFor("bob-Zg=")).toEqual([]);
    expect(JSON.stringify(api.framesFor(ann!))).not.toContain("bob-Zg=");
    expect(await Connection.get(db, { connectionId: "bob-Zg=" })).toMatchObject({ roomId: room.roomId, name: "Bob" });
  });

  it("refuses an unknown room with 404, writing nothing", async () => {
    const response = await handlers.connect!(wsConnectEvent("lost-Zg=", { roomId: unknownRoomId, name: "Ann" }));
    expect(response.statusCode).toBe(404);
    expect(parseBody(response).error.code).toBe("not_found");
    expect(await Connection.get(db, { connectionId: "lost-Zg=" })).toBeNull();
  });

  it("refuses a room id that cannot exist with 404 too", async () => {
    const response = await handlers.connect!(wsConnectEvent("lost2-Zg=", { roomId: "lobby", name: "Ann" }));
    expect(response.statusCode).toBe(404);
  });

  it.each([
    ["empty", "   "],
    ["over 40 characters", "n".repeat(41)],
  ])("refuses a name that is %s with 400", async (_, name) => {
    const { room } = await roomWith();
    const response = await handlers.connect!(wsConnectEvent("badname-Zg=", { roomId: room.roomId, name }));
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).error).toMatchObject({ code: "bad_request", issues: [expect.objectContaining({ path: ["name"] })] });
    expect(await Connection.get(db, { connectionId: "badname-Zg=" })).toBeNull();
  });

  it("refuses a missing name or room id with 400", async () => {
    const { room } = await roomWith();
    expect((await handlers.connect!(wsConnectEvent("noname-Zg=", { roomId: room.roomId }))).statusCode).toBe(400);
    expect((await handlers.connect!(wsConnectEvent("noroom-Zg=", { name: "Ann" }))).statusCode).toBe(400);
  });
});

describe("sendMessage", () => {
  it("stores the message with the connection's room and name, and every member gets it (sender included)", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    // A roomId or author in the frame is ignored: the connection record decides.
    const response = await send(ann!, { action: "sendMessage", text: "hi all", clientMessageId: "m-1", roomId: unknownRoomId, author: "Mallory" });
    expect(response).toEqual({ statusCode: 200 });
    const expected = {
      type: "message",
      message: { messageId: expect.any(String), roomId: room.roomId, clientMessageId: "m-1", author: "Ann", text: "hi all", sentAt: expect.any(String) },
    };
    expect(api.framesFor(ann!)).toEqual([expected]);
    expect(api.framesFor(bob!)).toEqual([expected]);
    expect((await Message.history(db, { roomId: room.roomId })).messages).toHaveLength(1);
  });

  it("a repeated clientMessageId stores nothing and sends the stored message back to the sender only", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    await send(ann!, { action: "sendMessage", text: "once", clientMessageId: "dup" });
    const [first] = api.framesFor(ann!);
    api.clear();
    await send(ann!, { action: "sendMessage", text: "twice?", clientMessageId: "dup" });
    expect(api.framesFor(ann!)).toEqual([first]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect((await Message.history(db, { roomId: room.roomId })).messages.map((m) => m.text)).toEqual(["once"]);
  });

  it.each([
    ["empty text", { text: "", clientMessageId: "v-1" }, "text"],
    ["text over 4000", { text: "x".repeat(4001), clientMessageId: "v-2" }, "text"],
    ["no clientMessageId", { text: "hello" }, "clientMessageId"],
  ])("refuses %s: error frame with issues to the sender alone, nothing written", async (_, fields, path) => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    const response = await send(ann!, { action: "sendMessage", ...fields });
    expect(response).toEqual({ statusCode: 200 });
    expect(api.framesFor(ann!)).toEqual([
      {
        type: "error",
        code: "bad_request",
        message: expect.any(String),
        action: "sendMessage",
        issues: expect.arrayContaining([expect.objectContaining({ path: [path] })]),
      },
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect((await Message.history(db, { roomId: room.roomId })).messages).toEqual([]);
  });

  it("from a connection that is not joined: not_found error frame", async () => {
    await send("stranger-Zg=", { action: "sendMessage", text: "hello?", clientMessageId: "s-1" });
    expect(api.framesFor("stranger-Zg=")).toEqual([
      { type: "error", code: "not_found", message: expect.stringContaining("reconnect"), action: "sendMessage" },
    ]);
  });
});

describe("todos", () => {
  it("addTodo: the room gets the todo at version 1", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    await send(ann!, { action: "addTodo", title: "buy milk" });
    const frame = { type: "todo", todo: expect.objectContaining({ roomId: room.roomId, title: "buy milk", done: false, version: 1 }) };
    expect(api.framesFor(ann!)).toEqual([frame]);
    expect(api.framesFor(bob!)).toEqual([frame]);
  });

  it("addTodo with a repeated clientTodoId adds nothing; the sender gets the stored todo back", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    await send(ann!, { action: "addTodo", title: "once", clientTodoId: "t-1" });
    api.clear();
    await send(ann!, { action: "addTodo", title: "once again", clientTodoId: "t-1" });
    expect(api.framesFor(ann!)).toEqual([{ type: "todo", todo: expect.objectContaining({ title: "once" }) }]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect(await Todo.list(db, { roomId: room.roomId })).toHaveLength(1);
  });

  it("updateTodo at the current version: the room gets version + 1", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, title: "draft" });
    await send(bob!, { action: "updateTodo", todoId: todo.todoId, version: 1, done: true });
    const frame = { type: "todo", todo: { ...todo, done: true, version: 2, updatedAt: expect.any(String) } };
    expect(api.framesFor(ann!)).toEqual([frame]);
    expect(api.framesFor(bob!)).toEqual([frame]);
  });

  it("updateTodo at a stale version: conflict frame with the current todo, to the sender alone", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, title: "draft" });
    const current = await Todo.update(db, { roomId: room.roomId, todoId: todo.todoId, version: 1, title: "final" });
    await send(ann!, { action: "updateTodo", todoId: todo.todoId, version: 1, title: "mine" });
    expect(api.framesFor(ann!)).toEqual([
      { type: "error", code: "conflict", message: expect.any(String), action: "updateTodo", todo: current },
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect(await Todo.get(db, { roomId: room.roomId, todoId: todo.todoId })).toEqual(current);
  });

  it("updateTodo with nothing to change is refused with bad_request", async () => {
    const { room, ids: [ann] } = await roomWith("Ann");
    const { todo } = await Todo.add(db, { roomId: room.roomId, title: "draft" });
    await send(ann!, { action: "updateTodo", todoId: todo.todoId, version: 1 });
    expect(api.framesFor(ann!)).toEqual([expect.objectContaining({ type: "error", code: "bad_request", action: "updateTodo" })]);
  });

  it("deleteTodo: the room gets todoDeleted; deleting it again is not_found to the sender", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, title: "gone soon" });
    await send(ann!, { action: "deleteTodo", todoId: todo.todoId });
    expect(api.framesFor(bob!)).toEqual([{ type: "todoDeleted", todoId: todo.todoId }]);
    api.clear();
    await send(ann!, { action: "deleteTodo", todoId: todo.todoId });
    expect(api.framesFor(ann!)).toEqual([expect.objectContaining({ type: "error", code: "not_found", action: "deleteTodo" })]);
    expect(api.framesFor(bob!)).toEqual([]);
  });

  it("a todo of another room cannot be touched: the room comes from the connection", async () => {
    const { room: other } = await roomWith();
    const { todo } = await Todo.add(db, { roomId: other.roomId, title: "not yours" });
    const { ids: [ann] } = await roomWith("Ann");
    await send(ann!, { action: "deleteTodo", todoId: todo.todoId });
    expect(api.framesFor(ann!)).toEqual([expect.objectContaining({ code: "not_found" })]);
    expect(await Todo.get(db, { roomId: other.roomId, todoId: todo.todoId })).toEqual(todo);
  });
});

describe("sync and ping", () => {
  it("sync: the sender alone gets the snapshot of its room", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, title: "t" });
    const { message: m1 } = await Message.send(db, { roomId: room.roomId, author: "Ann", text: "one", clientMessageId: "1" });
    const { message: m2 } = await Message.send(db, { roomId: room.roomId, author: "Bob", text: "two", clientMessageId: "2" });
    await send(ann!, { action: "sync" });
    expect(api.framesFor(ann!)).toEqual([
      {
        type: "snapshot",
        room,
        todos: [todo],
        members: [expect.objectContaining({ name: "Ann" }), expect.objectContaining({ name: "Bob" })],
        messages: [m1, m2],
        hasMore: false,
      },
    ]);
    expect(JSON.stringify(api.framesFor(ann!))).not.toContain(ann!);
    expect(api.framesFor(bob!)).toEqual([]);
    api.clear();
    await send(ann!, { action: "sync", after: m1.messageId });
    expect(api.framesFor(ann!)).toEqual([expect.objectContaining({ type: "snapshot", messages: [m2], hasMore: false })]);
  });

  it("sync with a malformed `after` is refused", async () => {
    const { ids: [ann] } = await roomWith("Ann");
    await send(ann!, { action: "sync", after: "yesterday" });
    expect(api.framesFor(ann!)).toEqual([expect.objectContaining({ type: "error", code: "bad_request", action: "sync" })]);
  });

  it("ping: the sender gets pong, and a stale expiry is pushed forward", async () => {
    const { room } = await roomWith();
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
    const before = await Connection.connect(db, { connectionId: "pinger-Zg=", roomId: room.roomId, name: "P" }, tenMinutesAgo);
    const response = await send("pinger-Zg=", { action: "ping" });
    expect(response).toEqual({ statusCode: 200 });
    expect(api.framesFor("pinger-Zg=")).toEqual([{ type: "pong" }]);
    const after = await Connection.get(db, { connectionId: "pinger-Zg=" });
    expect(after!.expiresAt).toBeGreaterThan(before.expiresAt);
  });
});

describe("$default", () => {
  it("an unknown action: bad_request error frame naming it", async () => {
    const { ids: [ann] } = await roomWith("Ann");
    const response = await send(ann!, { action: "dance", style: "waltz" });
    expect(response).toEqual({ statusCode: 200 });
    expect(api.framesFor(ann!)).toEqual([
      expect.objectContaining({ type: "error", code: "bad_request", action: "dance", message: expect.stringContaining('"dance"') }),
    ]);
  });

  it.each([
    ["not JSON", "hello there"],
    ["truncated JSON", '{"action":"sendMessage"'],
  ])("%s: bad_request error frame", async (_, raw) => {
    const { ids: [ann] } = await roomWith("Ann");
    await send(ann!, raw);
    expect(api.framesFor(ann!)).toEqual([{ type: "error", code: "bad_request", message: "Frame is not valid JSON" }]);
  });

  it.each([
    ["no action", { text: "hi" }],
    ["a JSON array", [1, 2]],
    ["a JSON string", '"ping"'],
  ])("%s: bad_request error frame", async (_, frame) => {
    const { ids: [ann] } = await roomWith("Ann");
    await send(ann!, frame);
    expect(api.framesFor(ann!)).toEqual([expect.objectContaining({ type: "error", code: "bad_request" })]);
  });
});

describe("$disconnect and gone connections", () => {
  it("removes the connection and announces memberLeft once, however often it runs", async () => {
    const { ids: [ann, bob] } = await roomWith("Ann", "Bob");
    expect(await handlers.disconnect!(wsDisconnectEvent(bob!))).toEqual({ statusCode: 200 });
    expect(api.framesFor(ann!)).toEqual([{ type: "memberLeft", member: expect.objectContaining({ name: "Bob" }) }]);
    expect(await Connection.get(db, { connectionId: bob! })).toBeNull();
    api.clear();
    expect(await handlers.disconnect!(wsDisconnectEvent(bob!))).toEqual({ statusCode: 200 });
    expect(api.recipients()).toEqual([]);
  });

  it("a broadcast meeting a gone connection (410) prunes it, announces memberLeft, and still reaches the others", async () => {
    const { ids: [ann, bob, cid] } = await roomWith("Ann", "Bob", "Cid");
    api.gone.add(cid!);
    await send(ann!, { action: "addTodo", title: "who is here?" });
    for (const id of [ann!, bob!]) {
      expect(api.framesFor(id)).toEqual([
        expect.objectContaining({ type: "todo" }),
        { type: "memberLeft", member: expect.objectContaining({ name: "Cid" }) },
      ]);
    }
    expect(await Connection.get(db, { connectionId: cid! })).toBeNull();
    const line = logs.findLast((l) => l.route === "addTodo");
    expect(line).toMatchObject({ broadcast: { delivered: 2, pruned: 1, failed: 0 } });
  });
});

describe("logging", () => {
  it("one line per WebSocket invocation with route, connection, room and broadcast counts", async () => {
    const { room, ids: [ann, bob] } = await roomWith("Ann", "Bob");
    logs.length = 0;
    await send(ann!, { action: "sendMessage", text: "log me", clientMessageId: "log-1" });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      message: "invocation",
      route: "sendMessage",
      connectionId: ann,
      eventType: "MESSAGE",
      roomId: room.roomId,
      statusCode: 200,
      broadcast: { delivered: 2, pruned: 0, failed: 0, retried: 0 },
      durationMs: expect.any(Number),
    });
    expect(bob).toBeDefined();
  });
});
