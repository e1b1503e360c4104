import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";
import type { LocalStack } from "../../src/local-stack";
import {
  joinRoom,
  type RoomClient,
  type ServerFrame,
  type Session,
  signIn,
  startE2eStack,
  type Todo,
} from "../support/e2e-stack";

/** The room's cap in this stack: small, so a test can reach it. */
const TODOS_PER_ROOM = 4;

let stack: LocalStack;
let owner: Session;
beforeAll(async () => {
  stack = await startE2eStack({ limits: { ...RAISED_LIMITS, todosPerRoom: TODOS_PER_ROOM } });
  owner = await signIn(stack, "Owner");
});
afterAll(() => stack?.stop());

type TodoFrame = { type: "todo"; todo: Todo; clientTodoId?: string };
type ErrorFrame = Extract<ServerFrame, { type: "error" }>;
type SnapshotFrame = Extract<ServerFrame, { type: "snapshot" }>;

/** A fresh room with Ann and Bob connected. */
async function room() {
  const { roomId } = await httpClient(stack.httpUrl, owner).createRoom("lists");
  const ann = await joinRoom(stack, roomId, "Ann");
  const bob = await joinRoom(stack, roomId, "Bob");
  return { roomId, ann, bob, close: () => Promise.all([ann.close(), bob.close()]) };
}

/** Adds a todo and waits for everyone's copy; each carries the add's clientTodoId (how a client knows its own). */
async function add(by: RoomClient, others: RoomClient[], title: string): Promise<Todo> {
  const clientTodoId = `add-${title}`;
  by.send({ action: "addTodo", title, clientTodoId });
  const answer = await by.nextOfType<TodoFrame>("todo", (f) => f.todo.title === title);
  expect(answer.clientTodoId).toBe(clientTodoId);
  for (const other of others) {
    const copy = await other.nextOfType<TodoFrame>("todo", (f) => f.todo.todoId === answer.todo.todoId);
    expect(copy.clientTodoId).toBe(clientTodoId);
  }
  return answer.todo;
}

const listed = async (roomId: string) =>
  ((await httpClient(stack.httpUrl, owner).get(`/rooms/${roomId}`)).json.todos as Todo[]).map((t) => t.title);

describe("todo lists through the gateway", () => {
  it("moveTodo reaches the whole room; GET /rooms/{id} and sync list by position", async () => {
    const { roomId, ann, bob, close } = await room();
    const [a, b, c] = [await add(ann, [bob], "a"), await add(ann, [bob], "b"), await add(bob, [ann], "c")];
    expect(await listed(roomId)).toEqual(["a", "b", "c"]);

    bob.send({ action: "moveTodo", todoId: c!.todoId, version: c!.version, after: null });
    const moved = await Promise.all([ann, bob].map((client) => client.nextOfType<TodoFrame>("todo")));
    expect(moved[0]).toEqual(moved[1]);
    expect(moved[0]!.todo).toMatchObject({ todoId: c!.todoId, version: 2 });
    expect(moved[0]!.todo.position < a!.position).toBe(true);
    expect(await listed(roomId)).toEqual(["c", "a", "b"]);

    ann.send({ action: "moveTodo", todoId: a!.todoId, version: 1, after: b!.todoId });
    await Promise.all([ann, bob].map((client) => client.nextOfType<TodoFrame>("todo")));
    expect(await listed(roomId)).toEqual(["c", "b", "a"]);

    ann.send({ action: "sync" });
    const snapshot = await ann.nextOfType<SnapshotFrame>("snapshot");
    expect(snapshot.todos.map((t) => t.title)).toEqual(["c", "b", "a"]);
    await close();
  });

  it("a delete at a stale version is refused with the current todo; at the current one it reaches the room", async () => {
    const { roomId, ann, bob, close } = await room();
    const todo = await add(ann, [bob], "contested");
    bob.send({ action: "updateTodo", todoId: todo.todoId, version: 1, title: "still wanted" });
    const edited = (await bob.nextOfType<TodoFrame>("todo")).todo;
    await ann.nextOfType<TodoFrame>("todo");

    ann.send({ action: "deleteTodo", todoId: todo.todoId, version: 1 });
    const conflict = await ann.nextOfType<ErrorFrame>("error");
    expect(conflict).toMatchObject({ code: "conflict", action: "deleteTodo", todo: edited });
    expect(await listed(roomId)).toEqual(["still wanted"]);

    ann.send({ action: "deleteTodo", todoId: todo.todoId, version: edited.version });
    for (const client of [ann, bob])
      expect(await client.nextOfType("todoDeleted")).toEqual({ type: "todoDeleted", todoId: todo.todoId });
    expect(await listed(roomId)).toEqual([]);
    expect(bob.all((f: any) => f.type === "error")).toEqual([]);
    await close();
  });

  it("assigns a todo to a member and refuses a non-member", async () => {
    const { roomId, ann, bob, close } = await room();
    const outsider = await signIn(stack, "Outsider");
    const todo = await add(ann, [bob], "who does it");
    ann.send({ action: "updateTodo", todoId: todo.todoId, version: 1, assigneeId: bob.session.user.userId });
    for (const client of [ann, bob]) {
      const { todo: assigned } = await client.nextOfType<TodoFrame>("todo");
      expect(assigned).toMatchObject({ assigneeId: bob.session.user.userId, version: 2 });
    }
    ann.send({ action: "updateTodo", todoId: todo.todoId, version: 2, assigneeId: outsider.user.userId });
    expect(await ann.nextOfType<ErrorFrame>("error")).toMatchObject({
      code: "bad_request",
      action: "updateTodo",
    });
    const { json } = await httpClient(stack.httpUrl, owner).get(`/rooms/${roomId}`);
    expect(json.todos).toEqual([
      expect.objectContaining({ assigneeId: bob.session.user.userId, version: 2 }),
    ]);
    await close();
  });

  it("past the room's todo cap addTodo is refused limit_reached to the sender alone; a delete makes room", async () => {
    const { roomId, ann, bob, close } = await room();
    const todos: Todo[] = [];
    for (let i = 0; i < TODOS_PER_ROOM; i++) todos.push(await add(ann, [bob], `t${i}`));
    ann.send({ action: "addTodo", title: "one too many", clientTodoId: "over" });
    expect(await ann.nextOfType<ErrorFrame>("error")).toMatchObject({
      code: "limit_reached",
      action: "addTodo",
      clientTodoId: "over",
    });
    expect((await listed(roomId)).length).toBe(TODOS_PER_ROOM);
    // The room still syncs whole at its cap.
    bob.send({ action: "sync" });
    expect((await bob.nextOfType<SnapshotFrame>("snapshot")).todos).toHaveLength(TODOS_PER_ROOM);

    ann.send({ action: "deleteTodo", todoId: todos[0]!.todoId, version: 1 });
    await ann.nextOfType("todoDeleted");
    await add(ann, [bob], "fits again");
    expect(await listed(roomId)).toEqual(["t1", "t2", "t3", "fits again"]);
    expect(bob.all((f: any) => f.type === "error")).toEqual([]);
    await close();
  });
});
