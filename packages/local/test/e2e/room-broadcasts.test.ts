import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpClient, httpClient } from "../../../../test/support/http-client";
import { sleep } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  joinRoom,
  type Message,
  type Room,
  type RoomClient,
  signIn,
  startE2eStack,
  type Todo,
} from "../support/e2e-stack";

let stack: LocalStack;
let api: HttpClient;
let roomA: Room;
let roomB: Room;
let a: RoomClient[];
let b: RoomClient[];

beforeAll(async () => {
  stack = await startE2eStack();
  api = httpClient(stack.httpUrl, await signIn(stack, "Owner"));
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
const messageWith = (clientMessageId: string) => (frame: any) =>
  frame.type === "message" && frame.message.clientMessageId === clientMessageId;

describe("messages", () => {
  it("reach every member of the sender's room exactly once, sender included, and no other room", async () => {
    const inA = clientId("a");
    const inB = clientId("b");
    a[0]!.send({ action: "sendMessage", text: "hello A", clientMessageId: inA });
    b[1]!.send({ action: "sendMessage", text: "hello B", clientMessageId: inB });

    const receivedA = await Promise.all(a.map((client) => client.next<MessageFrame>(messageWith(inA))));
    const receivedB = await Promise.all(b.map((client) => client.next<MessageFrame>(messageWith(inB))));
    for (const { message } of receivedA) {
      expect(message).toMatchObject({
        roomId: roomA.roomId,
        authorId: a[0]!.session.user.userId,
        author: "Ann",
        text: "hello A",
        clientMessageId: inA,
      });
      expect(message.messageId).toBe(receivedA[0]!.message.messageId);
      expect(message).toMatchObject({ seq: 1, mentions: [] });
      expect(new Date(message.sentAt).toISOString()).toBe(message.sentAt);
    }
    expect(receivedB[0]!.message).toMatchObject({
      roomId: roomB.roomId,
      authorId: b[1]!.session.user.userId,
      author: "Bea",
      text: "hello B",
    });
    expect(b[1]!.session.user.userId).not.toBe(a[0]!.session.user.userId);

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

  it("idempotency is per user: another user's message with the same clientMessageId is a message of its own", async () => {
    const id = clientId("shared");
    a[0]!.send({ action: "sendMessage", text: "from Ann", clientMessageId: id });
    const ann = (await a[2]!.next<MessageFrame>(messageWith(id))).message;
    a[1]!.send({ action: "sendMessage", text: "from Abe", clientMessageId: id });
    const abe = (await a[2]!.next<MessageFrame>(messageWith(id))).message;
    expect(abe.messageId).not.toBe(ann.messageId);
    expect([ann, abe].map((m) => [m.authorId, m.text])).toEqual([
      [a[0]!.session.user.userId, "from Ann"],
      [a[1]!.session.user.userId, "from Abe"],
    ]);
    const history = await api.get(`/rooms/${roomA.roomId}/messages?limit=100`);
    expect(history.json.messages.filter((m: Message) => m.clientMessageId === id)).toEqual([ann, abe]);
  });

  it("idempotency is per user, not per socket: the same user's second tab resending gets the stored message", async () => {
    const room = await api.createRoom("Two tabs");
    const user = await signIn(stack, "Tabby");
    const tab1 = await joinRoom(stack, room.roomId, user);
    const tab2 = await joinRoom(stack, room.roomId, user);
    try {
      const id = clientId("tabs");
      tab1.send({ action: "sendMessage", text: "typed once", clientMessageId: id });
      const stored = (await tab1.next<MessageFrame>(messageWith(id))).message;
      expect((await tab2.next<MessageFrame>(messageWith(id))).message).toEqual(stored);
      tab2.send({ action: "sendMessage", text: "typed once (retried from tab 2)", clientMessageId: id });
      expect((await tab2.next<MessageFrame>(messageWith(id))).message).toEqual(stored);
      await sleep(200);
      expect(tab1.all(messageWith(id))).toHaveLength(1);
      const history = await api.get(`/rooms/${room.roomId}/messages`);
      expect(history.json.messages).toEqual([stored]);
      // The same user and clientMessageId in another room is another message.
      const elsewhere = await joinRoom(stack, roomB.roomId, user);
      elsewhere.send({ action: "sendMessage", text: "typed once", clientMessageId: id });
      const other = (await elsewhere.next<MessageFrame>(messageWith(id))).message;
      expect(other).toMatchObject({ roomId: roomB.roomId, authorId: user.user.userId });
      expect(other.messageId).not.toBe(stored.messageId);
      for (const client of b) await client.next(messageWith(id));
      await elsewhere.close();
    } finally {
      await Promise.all([tab1.close(), tab2.close()]);
    }
  });

  it("keep server order: each stored message takes the room's next seq, and history lists them by seq", async () => {
    const before = (await api.get(`/rooms/${roomA.roomId}`)).json.room.lastSeq as number;
    const ids = [clientId("o1"), clientId("o2"), clientId("o3")];
    const stored: Message[] = [];
    for (const id of ids) {
      a[2]!.send({ action: "sendMessage", text: id, clientMessageId: id });
      stored.push((await a[2]!.next<MessageFrame>(messageWith(id))).message);
    }
    expect(stored.map((m) => m.seq)).toEqual([before + 1, before + 2, before + 3]);
    const history = await api.get(`/rooms/${roomA.roomId}/messages?limit=3`);
    expect(history.json.messages).toEqual(stored);
    expect((await api.get(`/rooms/${roomA.roomId}`)).json.room).toMatchObject({
      lastSeq: before + 3,
      lastMessageAt: stored[2]!.sentAt,
    });
  });
});

describe("todos", () => {
  it("add, update and delete reach the whole room and only it", async () => {
    a[0]!.send({ action: "addTodo", title: "buy milk", clientTodoId: "t-1" });
    const added = await Promise.all(a.map((client) => client.nextOfType<TodoFrame>("todo")));
    const todo = added[0]!.todo;
    expect(todo).toMatchObject({
      roomId: roomA.roomId,
      title: "buy milk",
      done: false,
      version: expect.any(Number),
    });
    for (const frame of added) expect(frame.todo).toEqual(todo);

    a[1]!.send({ action: "updateTodo", todoId: todo.todoId, version: todo.version, done: true });
    const updated = await Promise.all(a.map((client) => client.nextOfType<TodoFrame>("todo")));
    for (const frame of updated)
      expect(frame.todo).toMatchObject({ todoId: todo.todoId, done: true, version: todo.version + 1 });

    a[2]!.send({ action: "deleteTodo", todoId: todo.todoId, version: todo.version + 1 });
    for (const client of a)
      expect(await client.nextOfType("todoDeleted")).toEqual({ type: "todoDeleted", todoId: todo.todoId });

    await sleep(200);
    for (const client of b)
      expect(client.all((f: any) => f.type === "todo" || f.type === "todoDeleted")).toHaveLength(0);
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
    const leaverUser = await signIn(stack, "Leave");
    let leaver = await joinRoom(stack, room.roomId, leaverUser);

    const seen = clientId("seen");
    stayer.send({ action: "sendMessage", text: "before the gap", clientMessageId: seen });
    const lastSeen = (await leaver.next<MessageFrame>(messageWith(seen))).message;
    expect(lastSeen.seq).toBe(1);
    await leaver.close();

    const missed = [clientId("m1"), clientId("m2"), clientId("m3")];
    let last!: Message;
    for (const id of missed) {
      stayer.send({ action: "sendMessage", text: id, clientMessageId: id });
      last = (await stayer.next<MessageFrame>(messageWith(id))).message;
    }

    // A reconnect: the same user with a fresh ticket, asking for everything after the last seq it holds.
    leaver = await joinRoom(stack, room.roomId, leaverUser);
    leaver.send({ action: "sync", afterSeq: lastSeen.seq });
    const snapshot = await leaver.nextOfType<any>("snapshot");
    expect(snapshot.room).toEqual({ ...room, lastSeq: 4, lastMessageAt: last.sentAt });
    expect(snapshot.messages.map((m: Message) => m.clientMessageId)).toEqual(missed);
    expect(snapshot.messages.map((m: Message) => m.seq)).toEqual([2, 3, 4]);
    expect(snapshot.hasMore).toBe(false);
    expect(snapshot.part).toBeUndefined();
    // The leaver joined the empty room (read position 0) and has marked nothing read since.
    expect(snapshot.readSeq).toBe(0);
    expect(snapshot.members.map((m: { name: string }) => m.name).sort()).toEqual(["Leave", "Stay"]);
    for (const member of snapshot.members)
      expect(Object.keys(member).sort()).toEqual(["connectedAt", "memberId", "name", "userId"]);
    expect(snapshot.members.find((m: { name: string }) => m.name === "Leave").userId).toBe(
      leaverUser.user.userId,
    );
    expect(snapshot.members.find((m: { name: string }) => m.name === "Stay").userId).toBe(
      stayer.session.user.userId,
    );

    leaver.send({ action: "sync" });
    const newest = await leaver.nextOfType<any>("snapshot");
    expect(newest.messages.map((m: Message) => m.clientMessageId)).toEqual([seen, ...missed]);
    await Promise.all([stayer.close(), leaver.close()]);
  });

  it("ping answers pong with the room's lastSeq", async () => {
    const { lastSeq } = (await api.get(`/rooms/${roomA.roomId}`)).json.room;
    expect(lastSeq).toBeGreaterThan(0);
    a[0]!.send({ action: "ping" });
    expect(await a[0]!.nextOfType("pong")).toEqual({ type: "pong", lastSeq });
    b[0]!.send({ action: "ping" });
    expect(await b[0]!.nextOfType("pong")).toEqual({
      type: "pong",
      lastSeq: (await api.get(`/rooms/${roomB.roomId}`)).json.room.lastSeq,
    });
  });
});

describe("members", () => {
  it("joining and leaving are announced to the room with the user's id, without connection ids", async () => {
    const room = await api.createRoom("Members room");
    const host = await joinRoom(stack, room.roomId, "Host");
    const guest = await joinRoom(stack, room.roomId, "Guest");
    const joined = await host.nextOfType<any>("memberJoined", (f) => f.member.name === "Guest");
    expect(Object.keys(joined.member).sort()).toEqual(["connectedAt", "memberId", "name", "userId"]);
    expect(joined.member.userId).toBe(guest.session.user.userId);
    await guest.close();
    const left = await host.nextOfType<any>("memberLeft", (f) => f.member.name === "Guest");
    expect(left.member).toEqual(joined.member);
    await host.close();
  });

  it("one user with two sockets is two members with the same userId, each hearing the room", async () => {
    const room = await api.createRoom("Two sockets");
    const host = await joinRoom(stack, room.roomId, "Host");
    const user = await signIn(stack, "Twin");
    const first = await joinRoom(stack, room.roomId, user);
    const second = await joinRoom(stack, room.roomId, user);
    try {
      const joins = [await host.nextOfType<any>("memberJoined"), await host.nextOfType<any>("memberJoined")];
      expect(joins.map((f) => f.member.userId)).toEqual([user.user.userId, user.user.userId]);
      expect(joins[0].member.memberId).not.toBe(joins[1].member.memberId);
      const id = clientId("twin");
      host.send({ action: "sendMessage", text: "both of you", clientMessageId: id });
      for (const client of [host, first, second]) await client.next(messageWith(id));
      host.send({ action: "sync" });
      const snapshot = await host.nextOfType<any>("snapshot");
      expect(snapshot.members.filter((m: { userId: string }) => m.userId === user.user.userId)).toHaveLength(
        2,
      );
    } finally {
      await Promise.all([host.close(), first.close(), second.close()]);
    }
  });
});
