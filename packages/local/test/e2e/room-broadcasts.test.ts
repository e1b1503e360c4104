import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  httpApi,
  joinRoom,
  type Message,
  type Room,
  type RoomClient,
  startE2eStack,
  type Todo,
} from "../support/e2e-stack";
import { sleep } from "../support/ws-test-client";

let stack: LocalStack;
let api: ReturnType<typeof httpApi>;
let roomA: Room;
let roomB: Room;
let a: RoomClient[];
let b: RoomClient[];

beforeAll(async () => {
  stack = await startE2eStack();
  api = httpApi(stack);
  roomA = await api.createRoom("Room A");
  roomB = await api.createRoom("Room B");
  // One after the other: concurrent joins are the subject of join-race.test.ts.
  a = [];
  for (const name of ["Ann", "Abe", "Ada"]) a.push(await joinRoom(stack, roomA.roomId, name));
  b = [];
  for (const name of ["Bob", "Bea"]) b.push(await joinRoom(stack, roomB.roomId, name));
});
afterAll(async () => {
  await Promise.all([...(a ?? []), ...(b ?? [])].map((client) => client.close().catch(() => {})));
  await stack?.stop();
});

type MessageFrame = { type: "message"; message: Message };
type TodoFrame = { type: "todo"; todo: Todo };
const messageWith = (clientMessageId: string) => (frame: any) => frame.type === "message" && frame.message.clientMessageId === clientMessageId;

describe("messages", () => {
  it("reach every member of the sender's room exactly once, sender included, and no other room", async () => {
    const inA = clientId("a");
    const inB = clientId("b");
    a[0]!.send({ action: "sendMessage", text: "hello A", clientMessageId: inA });
    b[1]!.send({ action: "sendMessage", text: "hello B", clientMessageId: inB });

    const receivedA = await Promise.all(a.map((client) => client.next<MessageFrame>(messageWith(inA))));
    const receivedB = await Promise.all(b.map((client) => client.next<MessageFrame>(messageWith(inB))));
    for (const { message } of receivedA) {
      expect(message).toMatchObject({ roomId: roomA.roomId, author: "Ann", text: "hello A", clientMessageId: inA });
      expect(message.messageId).toBe(receivedA[0]!.message.messageId);
      expect(new Date(message.sentAt).toISOString()).toBe(message.sentAt);
    }
    expect(receivedB[0]!.message).toMatchObject({ roomId: roomB.roomId, author: "Bea", text: "hello B" });

    await sleep(300); // time for a duplicate or a leak to show up
    for (const client of a) expect(client.all(messageWith(inA))).toHaveLength(1);
    for (const client of b) expect(client.all(messageWith(inB))).toHaveLength(1);
    for (const client of a) expect(client.all(messageWith(inB))).toHaveLength(0);
    for (const client of b) expect(client.all(messageWith(inA))).toHaveLength(0);
  });

  it("a resent clientMessageId stores nothing new and gives the sender the stored message", async () => {
    const id = clientId("dup");
    a[1]!.send({ action: "sendMessage", text: "once", clientMessageId: id });
    const first = await a[1]!.next<MessageFrame>(messageWith(id));
    a[1]!.send({ action: "sendMessage", text: "once (retry)", clientMessageId: id });
    const second = await a[1]!.next<MessageFrame>(messageWith(id));
    expect(second.message).toEqual(first.message);

    const history = await api.get(`/rooms/${roomA.roomId}/messages?limit=100`);
    expect(history.json.messages.filter((m: Message) => m.clientMessageId === id)).toHaveLength(1);
  });

  it("keep server order: messageIds sort in the order they were stored", async () => {
    const ids = [clientId("o1"), clientId("o2"), clientId("o3")];
    for (const id of ids) {
      a[2]!.send({ action: "sendMessage", text: id, clientMessageId: id });
      await a[2]!.next(messageWith(id));
    }
    const history = await api.get(`/rooms/${roomA.roomId}/messages?limit=3`);
    expect(history.json.messages.map((m: Message) => m.clientMessageId)).toEqual(ids);
  });
});

describe("todos", () => {
  it("add, update and delete reach the whole room and only it", async () => {
    a[0]!.send({ action: "addTodo", title: "buy milk", clientTodoId: "t-1" });
    const added = await Promise.all(a.map((client) => client.nextOfType<TodoFrame>("todo")));
    const todo = added[0]!.todo;
    expect(todo).toMatchObject({ roomId: roomA.roomId, title: "buy milk", done: false, version: expect.any(Number) });
    for (const frame of added) expect(frame.todo).toEqual(todo);

    a[1]!.send({ action: "updateTodo", todoId: todo.todoId, version: todo.version, done: true });
    const updated = await Promise.all(a.map((client) => client.nextOfType<TodoFrame>("todo")));
    for (const frame of updated) expect(frame.todo).toMatchObject({ todoId: todo.todoId, done: true, version: todo.version + 1 });

    a[2]!.send({ action: "deleteTodo", todoId: todo.todoId });
    for (const client of a) expect(await client.nextOfType("todoDeleted")).toEqual({ type: "todoDeleted", todoId: todo.todoId });

    await sleep(200);
    for (const client of b) expect(client.all((f: any) => f.type === "todo" || f.type === "todoDeleted")).toHaveLength(0);
    const { json } = await api.get(`/rooms/${roomA.roomId}`);
    expect(json.todos.find((t: Todo) => t.todoId === todo.todoId)).toBeUndefined();
  });

  it("a stale version gives the sender alone a conflict with the current todo", async () => {
    b[0]!.send({ action: "addTodo", title: "race" });
    const { todo } = await b[0]!.nextOfType<TodoFrame>("todo");
    await b[1]!.nextOfType("todo");

    b[0]!.send({ action: "updateTodo", todoId: todo.todoId, version: todo.version, title: "race (won)" });
    const current = (await b[0]!.nextOfType<TodoFrame>("todo")).todo;
    await b[1]!.nextOfType("todo");

    b[1]!.send({ action: "updateTodo", todoId: todo.todoId, version: todo.version, title: "race (lost)" });
    const conflict = await b[1]!.nextOfType<any>("error");
    expect(conflict).toMatchObject({ type: "error", code: "conflict", todo: current });
    expect(conflict.todo.title).toBe("race (won)");

    await sleep(200);
    expect(b[0]!.all((f: any) => f.type === "error")).toHaveLength(0);
    const { json } = await api.get(`/rooms/${roomB.roomId}`);
    expect(json.todos.find((t: Todo) => t.todoId === todo.todoId)).toEqual(current);
  });
});

describe("sync", () => {
  it("after a gap returns exactly the missed messages, oldest first, with live members", async () => {
    const room = await api.createRoom("Sync room");
    const stayer = await joinRoom(stack, room.roomId, "Stay");
    let leaver = await joinRoom(stack, room.roomId, "Leave");

    const seen = clientId("seen");
    stayer.send({ action: "sendMessage", text: "before the gap", clientMessageId: seen });
    const lastSeen = (await leaver.next<MessageFrame>(messageWith(seen))).message;
    await leaver.close();

    const missed = [clientId("m1"), clientId("m2"), clientId("m3")];
    for (const id of missed) {
      stayer.send({ action: "sendMessage", text: id, clientMessageId: id });
      await stayer.next(messageWith(id));
    }

    leaver = await joinRoom(stack, room.roomId, "Leave");
    leaver.send({ action: "sync", after: lastSeen.messageId });
    const snapshot = await leaver.nextOfType<any>("snapshot");
    expect(snapshot.room).toEqual(room);
    expect(snapshot.messages.map((m: Message) => m.clientMessageId)).toEqual(missed);
    expect(snapshot.hasMore).toBe(false);
    expect(snapshot.members.map((m: { name: string }) => m.name).sort()).toEqual(["Leave", "Stay"]);
    for (const member of snapshot.members) expect(Object.keys(member).sort()).toEqual(["connectedAt", "memberId", "name"]);

    leaver.send({ action: "sync" });
    const newest = await leaver.nextOfType<any>("snapshot");
    expect(newest.messages.map((m: Message) => m.clientMessageId)).toEqual([seen, ...missed]);
    await Promise.all([stayer.close(), leaver.close()]);
  });

  it("ping answers pong", async () => {
    a[0]!.send({ action: "ping" });
    expect(await a[0]!.nextOfType("pong")).toEqual({ type: "pong" });
  });
});

describe("members", () => {
  it("joining and leaving are announced to the room without connection ids", async () => {
    const room = await api.createRoom("Members room");
    const host = await joinRoom(stack, room.roomId, "Host");
    const guest = await joinRoom(stack, room.roomId, "Guest");
    const joined = await host.nextOfType<any>("memberJoined", (f) => f.member.name === "Guest");
    expect(Object.keys(joined.member).sort()).toEqual(["connectedAt", "memberId", "name"]);
    await guest.close();
    const left = await host.nextOfType<any>("memberLeft", (f) => f.member.name === "Guest");
    expect(left.member.memberId).toBe(joined.member.memberId);
    await host.close();
  });
});
