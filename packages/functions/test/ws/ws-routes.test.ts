import { Connection } from "@rooms/core/connection";
import type { Db } from "@rooms/core/db";
import { Membership } from "@rooms/core/membership";
import { Message } from "@rooms/core/message";
import type { Room, User } from "@rooms/core/protocol";
import { Room as Rooms } from "@rooms/core/room";
import { Todo } from "@rooms/core/todo";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectionsApiServer } from "../../../../test/support/connections-api-server";
import { type AuthorizerContext, wsConnectEvent, wsDisconnectEvent, wsMessageEvent } from "../support/events";
import { captureLogs, type Invoke, loadHandler, parseBody, startHandlerEnv } from "../support/handler-env";

const unknownRoomId = "01JP3Q8Z5K7V2M4N6R8T0W2Y4A";

let env: Awaited<ReturnType<typeof startHandlerEnv>>;
let db: Db;
let api: ConnectionsApiServer;
let logs: Record<string, any>[];
const handlers: Record<string, Invoke> = {};

beforeAll(async () => {
  env = await startHandlerEnv();
  ({ db, connections: api } = env);
  logs = await captureLogs();
  for (const module of [
    "connect",
    "disconnect",
    "default",
    "send-message",
    "add-todo",
    "update-todo",
    "move-todo",
    "delete-todo",
    "sync",
    "ping",
  ]) {
    handlers[module] = await loadHandler(`ws/${module}`);
  }
});
afterAll(() => env.close());
beforeEach(() => api.clear());

let nextId = 0;
/** What the ticket authorizer admitted each connection with: API Gateway puts it on every event of it. */
const contexts = new Map<string, AuthorizerContext>();
/**
 * A public room (owned by someone not connected) with members joined through the real $connect handler, as the
 * ticket authorizer would have admitted them; their connection ids are API Gateway-like strings.
 */
async function roomWith(
  ...names: string[]
): Promise<{ room: Room; ids: string[]; users: User[]; owner: User }> {
  const { user: owner } = await env.signIn("Owner");
  const room = await Rooms.create(db, { input: { name: `room ${++nextId}` }, caller: owner });
  const ids: string[] = [];
  const users: User[] = [];
  for (const name of names) {
    const { user } = await env.signIn(name);
    const id = `${name}-${nextId}-Zg=`;
    contexts.set(id, { ...user, roomId: room.roomId });
    expect(await handlers.connect!(wsConnectEvent(id, contexts.get(id)!))).toMatchObject({
      statusCode: 200,
    });
    ids.push(id);
    users.push(user);
  }
  api.clear();
  return { room, ids, users, owner };
}

const send = (connectionId: string, frame: unknown) => {
  const event = wsMessageEvent(connectionId, frame, contexts.get(connectionId));
  const module = {
    $default: "default",
    sendMessage: "send-message",
    addTodo: "add-todo",
    updateTodo: "update-todo",
    moveTodo: "move-todo",
    deleteTodo: "delete-todo",
    sync: "sync",
    ping: "ping",
  }[event.requestContext.routeKey]!;
  return handlers[module]!(event);
};

const tableItems = () => env.tableItems();

describe("$connect", () => {
  it("joins the room and posts to no one: the presence worker announces the join from the table stream", async () => {
    const {
      room,
      ids: [ann],
    } = await roomWith("Ann");
    const { user: bob } = await env.signIn("Bob");
    const response = await handlers.connect!(wsConnectEvent("bob-Zg=", { ...bob, roomId: room.roomId }));
    expect(response).toEqual({ statusCode: 200 });
    expect(api.framesFor(ann!)).toEqual([]);
    expect(api.recipients()).toEqual([]);
    expect(await Connection.get(db, { connectionId: "bob-Zg=" })).toMatchObject({
      roomId: room.roomId,
      userId: bob.userId,
      name: "Bob",
    });
  });

  it("joining a public room makes the user a member of it", async () => {
    const {
      room,
      users: [ann],
    } = await roomWith("Ann");
    expect(await Membership.get(db, { roomId: room.roomId, userId: ann!.userId })).toMatchObject({
      role: "member",
      name: "Ann",
    });
  });

  it("takes user, name and room from the authorizer only, never from the query string", async () => {
    const { room } = await roomWith();
    const { room: other } = await roomWith();
    const { user: ann } = await env.signIn("Ann");
    const event = wsConnectEvent("spoof-Zg=", { ...ann, roomId: room.roomId });
    event.queryStringParameters = {
      ...event.queryStringParameters,
      roomId: other.roomId,
      name: "Mallory",
      userId: "someone-else",
    };
    expect(await handlers.connect!(event)).toEqual({ statusCode: 200 });
    expect(await Connection.get(db, { connectionId: "spoof-Zg=" })).toMatchObject({
      roomId: room.roomId,
      userId: ann.userId,
      name: "Ann",
    });
  });

  it("without authorizer context (no ticket was checked) refuses the handshake with 401, writing nothing", async () => {
    const before = await tableItems();
    const response = await handlers.connect!(wsConnectEvent("anon-Zg=", null));
    expect(response.statusCode).toBe(401);
    expect(parseBody(response).error.code).toBe("unauthorized");
    expect(await tableItems()).toEqual(before);
  });

  it.each([
    ["no userId", { name: "Ann", roomId: unknownRoomId }],
    ["no room", { userId: "u-1", name: "Ann" }],
    ["a room id that cannot be one", { userId: "u-1", name: "Ann", roomId: "lobby" }],
    ["an empty name", { userId: "u-1", name: "", roomId: unknownRoomId }],
    ["only a principal", {}],
  ])("with incomplete authorizer context (%s) refuses the handshake with 401", async (_, context) => {
    const event = wsConnectEvent("partial-Zg=", context);
    if (!("userId" in context))
      delete (event.requestContext.authorizer as Record<string, unknown>).principalId;
    const response = await handlers.connect!(event);
    expect(response.statusCode).toBe(401);
    expect(await Connection.get(db, { connectionId: "partial-Zg=" })).toBeNull();
  });

  it("a room that no longer exists is 404, writing nothing", async () => {
    const { user } = await env.signIn("Ann");
    const before = await tableItems();
    const response = await handlers.connect!(wsConnectEvent("lost-Zg=", { ...user, roomId: unknownRoomId }));
    expect(response.statusCode).toBe(404);
    expect(parseBody(response).error.code).toBe("not_found");
    expect(await tableItems()).toEqual(before);
  });

  it("a private room: a member gets in; someone who is no member (any more) gets 404, writing nothing", async () => {
    const { user: owner } = await env.signIn("Owner");
    const room = await Rooms.create(db, { input: { name: "private", visibility: "private" }, caller: owner });
    expect(
      (await handlers.connect!(wsConnectEvent("owner-Zg=", { ...owner, roomId: room.roomId }))).statusCode,
    ).toBe(200);
    const { user: stranger } = await env.signIn("Stranger");
    const before = await tableItems();
    const response = await handlers.connect!(
      wsConnectEvent("stranger-private-Zg=", { ...stranger, roomId: room.roomId }),
    );
    expect(response.statusCode).toBe(404);
    expect(await tableItems()).toEqual(before);
    expect(api.framesFor("owner-Zg=")).toEqual([]);
  });

  it("a user removed since their ticket was issued gets 403, writing nothing", async () => {
    const {
      room,
      users: [rex],
      owner,
    } = await roomWith("Rex");
    await Membership.remove(db, { input: { roomId: room.roomId, userId: rex!.userId }, caller: owner });
    const before = await tableItems();
    const response = await handlers.connect!(
      wsConnectEvent("rex-again-Zg=", { ...rex!, roomId: room.roomId }),
    );
    expect(response.statusCode).toBe(403);
    expect(parseBody(response).error.code).toBe("forbidden");
    expect(await tableItems()).toEqual(before);
  });
});

describe("sendMessage", () => {
  it("stores the message with the connection's room, user and name, and every member gets it (sender included)", async () => {
    const {
      room,
      ids: [ann, bob],
      users: [annUser],
    } = await roomWith("Ann", "Bob");
    // A roomId, authorId or author in the frame is ignored: the connection record decides.
    const response = await send(ann!, {
      action: "sendMessage",
      text: "hi all",
      clientMessageId: "m-1",
      roomId: unknownRoomId,
      authorId: "someone-else",
      author: "Mallory",
    });
    expect(response).toEqual({ statusCode: 200 });
    const expected = {
      type: "message",
      message: {
        messageId: expect.any(String),
        roomId: room.roomId,
        seq: 1,
        clientMessageId: "m-1",
        authorId: annUser!.userId,
        author: "Ann",
        text: "hi all",
        mentions: [],
        sentAt: expect.any(String),
        reactions: [],
      },
    };
    expect(api.framesFor(ann!)).toEqual([expected]);
    expect(api.framesFor(bob!)).toEqual([expected]);
    expect((await Message.history(db, { roomId: room.roomId })).messages).toHaveLength(1);
  });

  it("a repeated clientMessageId stores nothing and sends the stored message back to the sender only", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    await send(ann!, { action: "sendMessage", text: "once", clientMessageId: "dup" });
    const [first] = api.framesFor(ann!);
    api.clear();
    await send(ann!, { action: "sendMessage", text: "twice?", clientMessageId: "dup" });
    expect(api.framesFor(ann!)).toEqual([first]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect((await Message.history(db, { roomId: room.roomId })).messages.map((m) => m.text)).toEqual([
      "once",
    ]);
  });

  it("idempotency is per user: another member reusing the clientMessageId stores a new message of their own", async () => {
    const {
      room,
      ids: [ann, bob],
      users: [annUser, bobUser],
    } = await roomWith("Ann", "Bob");
    await send(ann!, { action: "sendMessage", text: "ann's", clientMessageId: "same" });
    api.clear();
    await send(bob!, { action: "sendMessage", text: "bob's", clientMessageId: "same" });
    const bobFrame = {
      type: "message",
      message: expect.objectContaining({ authorId: bobUser!.userId, author: "Bob", text: "bob's" }),
    };
    expect(api.framesFor(bob!)).toEqual([bobFrame]);
    expect(api.framesFor(ann!)).toEqual([bobFrame]);
    const stored = (await Message.history(db, { roomId: room.roomId })).messages;
    expect(stored.map((m) => [m.authorId, m.text])).toEqual([
      [annUser!.userId, "ann's"],
      [bobUser!.userId, "bob's"],
    ]);
  });

  it.each([
    ["empty text", { text: "", clientMessageId: "v-1" }, "text"],
    ["text over 4000", { text: "x".repeat(4001), clientMessageId: "v-2" }, "text"],
    ["no clientMessageId", { text: "hello" }, "clientMessageId"],
  ])("refuses %s: error frame with issues to the sender alone, nothing written", async (_, fields, path) => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    const response = await send(ann!, { action: "sendMessage", ...fields });
    expect(response).toEqual({ statusCode: 200 });
    expect(api.framesFor(ann!)).toEqual([
      {
        type: "error",
        code: "bad_request",
        message: expect.any(String),
        action: "sendMessage",
        ...("clientMessageId" in fields && { clientMessageId: fields.clientMessageId }),
        issues: expect.arrayContaining([expect.objectContaining({ path: [path] })]),
      },
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect((await Message.history(db, { roomId: room.roomId })).messages).toEqual([]);
  });

  it("an event without the authorizer's context is refused unauthorized, nothing stored (no frame can add it)", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    const frame = { action: "sendMessage", text: "hi", clientMessageId: "na-1" };
    // The frame may say anything: the context is the gateway's, on requestContext, not in the body.
    const event = wsMessageEvent(ann!, { ...frame, authorizer: contexts.get(ann!), ...contexts.get(ann!) });
    expect(await handlers["send-message"]!(event)).toEqual({ statusCode: 200 });
    expect(api.framesFor(ann!)).toEqual([
      {
        type: "error",
        code: "unauthorized",
        message: expect.stringContaining("ticket"),
        action: "sendMessage",
        clientMessageId: "na-1",
      },
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect((await Message.history(db, { roomId: room.roomId })).messages).toEqual([]);
  });

  it("from a connection with neither a record nor a context: unauthorized error frame, nothing stored", async () => {
    await send("stranger-Zg=", { action: "sendMessage", text: "hello?", clientMessageId: "s-1" });
    expect(api.framesFor("stranger-Zg=")).toEqual([
      {
        type: "error",
        code: "unauthorized",
        message: expect.stringContaining("ticket"),
        action: "sendMessage",
        clientMessageId: "s-1",
      },
    ]);
  });
});

describe("todos", () => {
  it("from a connection that is not joined (no record): not_found error frame", async () => {
    await send("stranger-Td=", { action: "addTodo", title: "hello?" });
    expect(api.framesFor("stranger-Td=")).toEqual([
      expect.objectContaining({
        type: "error",
        code: "not_found",
        message: expect.stringContaining("reconnect"),
        action: "addTodo",
      }),
    ]);
  });

  it("addTodo: the room gets the todo at version 1", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    await send(ann!, { action: "addTodo", title: "buy milk" });
    const frame = {
      type: "todo",
      todo: expect.objectContaining({ roomId: room.roomId, title: "buy milk", done: false, version: 1 }),
    };
    expect(api.framesFor(ann!)).toEqual([frame]);
    expect(api.framesFor(bob!)).toEqual([frame]);
  });

  it("addTodo with a repeated clientTodoId adds nothing; the sender gets the stored todo back", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    await send(ann!, { action: "addTodo", title: "once", clientTodoId: "t-1" });
    api.clear();
    await send(ann!, { action: "addTodo", title: "once again", clientTodoId: "t-1" });
    expect(api.framesFor(ann!)).toEqual([
      { type: "todo", todo: expect.objectContaining({ title: "once" }), clientTodoId: "t-1" },
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect(await Todo.list(db, { roomId: room.roomId })).toHaveLength(1);
  });

  it("updateTodo at the current version: the room gets version + 1", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, userId: "someone", title: "draft" });
    await send(bob!, { action: "updateTodo", todoId: todo.todoId, version: 1, done: true });
    const frame = { type: "todo", todo: { ...todo, done: true, version: 2, updatedAt: expect.any(String) } };
    expect(api.framesFor(ann!)).toEqual([frame]);
    expect(api.framesFor(bob!)).toEqual([frame]);
  });

  it("updateTodo at a stale version: conflict frame with the current todo, to the sender alone", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, userId: "someone", title: "draft" });
    const current = await Todo.update(db, {
      roomId: room.roomId,
      todoId: todo.todoId,
      version: 1,
      title: "final",
    });
    await send(ann!, { action: "updateTodo", todoId: todo.todoId, version: 1, title: "mine" });
    expect(api.framesFor(ann!)).toEqual([
      { type: "error", code: "conflict", message: expect.any(String), action: "updateTodo", todo: current },
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect(await Todo.get(db, { roomId: room.roomId, todoId: todo.todoId })).toEqual(current);
  });

  it("updateTodo with nothing to change is refused with bad_request", async () => {
    const {
      room,
      ids: [ann],
    } = await roomWith("Ann");
    const { todo } = await Todo.add(db, { roomId: room.roomId, userId: "someone", title: "draft" });
    await send(ann!, { action: "updateTodo", todoId: todo.todoId, version: 1 });
    expect(api.framesFor(ann!)).toEqual([
      expect.objectContaining({ type: "error", code: "bad_request", action: "updateTodo" }),
    ]);
  });

  it("deleteTodo: the room gets todoDeleted; deleting it again is not_found to the sender", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, userId: "someone", title: "gone soon" });
    await send(ann!, { action: "deleteTodo", todoId: todo.todoId, version: 1 });
    expect(api.framesFor(bob!)).toEqual([{ type: "todoDeleted", todoId: todo.todoId }]);
    api.clear();
    await send(ann!, { action: "deleteTodo", todoId: todo.todoId, version: 1 });
    expect(api.framesFor(ann!)).toEqual([
      expect.objectContaining({ type: "error", code: "not_found", action: "deleteTodo" }),
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
  });

  it("deleteTodo without a version, or at a stale one: refused to the sender alone, the todo kept", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, userId: "someone", title: "keep me" });
    const current = await Todo.update(db, {
      roomId: room.roomId,
      todoId: todo.todoId,
      version: 1,
      done: true,
    });
    await send(ann!, { action: "deleteTodo", todoId: todo.todoId });
    await send(ann!, { action: "deleteTodo", todoId: todo.todoId, version: 1 });
    expect(api.framesFor(ann!)).toEqual([
      expect.objectContaining({ type: "error", code: "bad_request", action: "deleteTodo" }),
      { type: "error", code: "conflict", message: expect.any(String), action: "deleteTodo", todo: current },
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
    expect(await Todo.get(db, { roomId: room.roomId, todoId: todo.todoId })).toEqual(current);
  });

  it("moveTodo: the room gets the todo at its new position; lists follow it", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
    const { todo: a } = await Todo.add(db, { roomId: room.roomId, userId: "someone", title: "a" });
    const { todo: b } = await Todo.add(db, { roomId: room.roomId, userId: "someone", title: "b" });
    await send(bob!, { action: "moveTodo", todoId: b.todoId, version: 1, after: null });
    const moved = await Todo.get(db, { roomId: room.roomId, todoId: b.todoId });
    expect(moved.position < a.position).toBe(true);
    expect(api.framesFor(ann!)).toEqual([{ type: "todo", todo: { ...moved, version: 2 } }]);
    expect(api.framesFor(bob!)).toEqual([{ type: "todo", todo: moved }]);
    expect((await Todo.list(db, { roomId: room.roomId })).map((t) => t.title)).toEqual(["b", "a"]);
    api.clear();
    await send(bob!, { action: "moveTodo", todoId: b.todoId, version: 1, after: a.todoId });
    expect(api.framesFor(bob!)).toEqual([
      { type: "error", code: "conflict", message: expect.any(String), action: "moveTodo", todo: moved },
    ]);
    expect(api.framesFor(ann!)).toEqual([]);
  });

  it("updateTodo with assigneeId: a member is assigned; a non-member is bad_request", async () => {
    const {
      room,
      ids: [ann, bob],
      users: [, bobUser],
    } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, userId: "someone", title: "who?" });
    await send(ann!, { action: "updateTodo", todoId: todo.todoId, version: 1, assigneeId: bobUser!.userId });
    expect(api.framesFor(bob!)).toEqual([
      {
        type: "todo",
        todo: { ...todo, assigneeId: bobUser!.userId, version: 2, updatedAt: expect.any(String) },
      },
    ]);
    api.clear();
    await send(ann!, { action: "updateTodo", todoId: todo.todoId, version: 2, assigneeId: "not-a-member" });
    expect(api.framesFor(ann!)).toEqual([
      expect.objectContaining({ type: "error", code: "bad_request", action: "updateTodo" }),
    ]);
    expect(api.framesFor(bob!)).toEqual([]);
  });

  it("a todo of another room cannot be touched: the room comes from the connection", async () => {
    const { room: other } = await roomWith();
    const { todo } = await Todo.add(db, { roomId: other.roomId, userId: "someone", title: "not yours" });
    const {
      ids: [ann],
    } = await roomWith("Ann");
    await send(ann!, { action: "deleteTodo", todoId: todo.todoId, version: 1 });
    expect(api.framesFor(ann!)).toEqual([expect.objectContaining({ code: "not_found" })]);
    expect(await Todo.get(db, { roomId: other.roomId, todoId: todo.todoId })).toEqual(todo);
  });
});

describe("sync and ping", () => {
  it("sync: the sender alone gets the snapshot of its room, with read positions", async () => {
    const {
      room,
      ids: [ann, bob],
      users: [annUser, bobUser],
    } = await roomWith("Ann", "Bob");
    const { todo } = await Todo.add(db, { roomId: room.roomId, userId: annUser!.userId, title: "t" });
    const { message: m1 } = await Message.send(db, {
      roomId: room.roomId,
      authorId: annUser!.userId,
      author: "Ann",
      text: "one",
      clientMessageId: "1",
    });
    const { message: m2 } = await Message.send(db, {
      roomId: room.roomId,
      authorId: bobUser!.userId,
      author: "Bob",
      text: "two",
      clientMessageId: "2",
    });
    await send(ann!, { action: "sync" });
    expect(api.framesFor(ann!)).toEqual([
      {
        type: "snapshot",
        room: { ...room, lastSeq: 2, lastMessageAt: m2.sentAt },
        todos: [todo],
        members: [
          expect.objectContaining({ name: "Ann", userId: annUser!.userId }),
          expect.objectContaining({ name: "Bob", userId: bobUser!.userId }),
        ],
        memberCount: 2,
        messages: [m1, m2].map((m) => ({ ...m, reactions: [] })),
        hasMore: false,
        // Sending moves one's own read position: Ann's is at her message, Bob's at his.
        readSeq: 1,
        reads: expect.arrayContaining([{ userId: bobUser!.userId, seq: 2 }]),
        changes: [],
        syncedAt: expect.any(String),
      },
    ]);
    const [snapshot] = api.framesFor(ann!) as { reads: { userId: string }[] }[];
    expect(snapshot!.reads.map((r) => r.userId)).not.toContain(annUser!.userId);
    expect(JSON.stringify(api.framesFor(ann!))).not.toContain(ann!);
    expect(api.framesFor(bob!)).toEqual([]);
    api.clear();
    await send(ann!, { action: "sync", afterSeq: m1.seq });
    expect(api.framesFor(ann!)).toEqual([
      expect.objectContaining({ type: "snapshot", messages: [{ ...m2, reactions: [] }], hasMore: false }),
    ]);
  });

  it("sync with a malformed `afterSeq` is refused", async () => {
    const {
      ids: [ann],
    } = await roomWith("Ann");
    await send(ann!, { action: "sync", afterSeq: "yesterday" });
    expect(api.framesFor(ann!)).toEqual([
      expect.objectContaining({ type: "error", code: "bad_request", action: "sync" }),
    ]);
  });

  it("ping: the sender gets pong, and a stale expiry is pushed forward", async () => {
    const { room } = await roomWith();
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
    const { user } = await env.signIn("P");
    // A member's record (a frame from a non-member is refused, record or not).
    await Membership.join(db, { room, user });
    const before = Connection.newRecord({
      connectionId: "pinger-Zg=",
      claims: { ...user, roomId: room.roomId },
      now: tenMinutesAgo,
    });
    await Connection.save(db, before);
    const response = await send("pinger-Zg=", { action: "ping" });
    expect(response).toEqual({ statusCode: 200 });
    expect(api.framesFor("pinger-Zg=")).toEqual([{ type: "pong", lastSeq: 0 }]);
    const after = await Connection.get(db, { connectionId: "pinger-Zg=" });
    expect(after!.expiresAt).toBeGreaterThan(before.expiresAt);
  });
});

describe("$default", () => {
  it("an unknown action: bad_request error frame naming it", async () => {
    const {
      ids: [ann],
    } = await roomWith("Ann");
    const response = await send(ann!, { action: "dance", style: "waltz" });
    expect(response).toEqual({ statusCode: 200 });
    expect(api.framesFor(ann!)).toEqual([
      expect.objectContaining({
        type: "error",
        code: "bad_request",
        action: "dance",
        message: expect.stringContaining('"dance"'),
      }),
    ]);
  });

  it.each([
    ["not JSON", "hello there"],
    ["truncated JSON", '{"action":"sendMessage"'],
  ])("%s: bad_request error frame", async (_, raw) => {
    const {
      ids: [ann],
    } = await roomWith("Ann");
    await send(ann!, raw);
    expect(api.framesFor(ann!)).toEqual([
      { type: "error", code: "bad_request", message: "Frame is not valid JSON" },
    ]);
  });

  it.each([
    ["no action", { text: "hi" }],
    ["a JSON array", [1, 2]],
    ["a JSON string", '"ping"'],
  ])("%s: bad_request error frame", async (_, frame) => {
    const {
      ids: [ann],
    } = await roomWith("Ann");
    await send(ann!, frame);
    expect(api.framesFor(ann!)).toEqual([expect.objectContaining({ type: "error", code: "bad_request" })]);
  });
});

describe("$disconnect and gone connections", () => {
  it("removes the connection, posting to no one (the presence worker announces it), however often it runs", async () => {
    const {
      ids: [, bob],
    } = await roomWith("Ann", "Bob");
    expect(await handlers.disconnect!(wsDisconnectEvent(bob!))).toEqual({ statusCode: 200 });
    expect(api.recipients()).toEqual([]);
    expect(await Connection.get(db, { connectionId: bob! })).toBeNull();
    api.clear();
    expect(await handlers.disconnect!(wsDisconnectEvent(bob!))).toEqual({ statusCode: 200 });
    expect(api.recipients()).toEqual([]);
  });

  it("a broadcast meeting a gone connection (410) prunes it and still reaches the others", async () => {
    const {
      ids: [ann, bob, cid],
    } = await roomWith("Ann", "Bob", "Cid");
    api.gone.add(cid!);
    await send(ann!, { action: "addTodo", title: "who is here?" });
    for (const id of [ann!, bob!]) {
      expect(api.framesFor(id)).toEqual([expect.objectContaining({ type: "todo" })]);
    }
    expect(await Connection.get(db, { connectionId: cid! })).toBeNull();
    // The sender has its todo first (the reply), then the rest of the room (the broadcast).
    const line = logs.findLast((l) => l.route === "addTodo");
    expect(line).toMatchObject({
      reply: { delivered: 1 },
      broadcast: { delivered: 1, pruned: 1, failed: 0 },
    });
  });
});

describe("logging", () => {
  it("one line per WebSocket invocation with route, connection, room and broadcast counts", async () => {
    const {
      room,
      ids: [ann, bob],
    } = await roomWith("Ann", "Bob");
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
      // The sender's copy is a reply; the broadcast reaches everyone else.
      reply: { delivered: 1, pruned: 0, failed: 0, retried: 0 },
      broadcast: { delivered: 1, pruned: 0, failed: 0, retried: 0 },
      durationMs: expect.any(Number),
    });
    expect(api.framesFor(bob!)).toEqual([expect.objectContaining({ type: "message" })]);
  });
});
