import { beforeAll, describe, expect, it } from "vitest";
import { Claim } from "../../src/claim";
import type { Db } from "../../src/db";
import { ConflictError, LimitReachedError, NotFoundError, ValidationError } from "../../src/errors";
import { newMembership } from "../../src/membership/new-membership";
import type { Todo as TodoShape } from "../../src/protocol";
import { Room } from "../../src/room";
import { Todo } from "../../src/todo";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let roomId: string;
const ann = newUser("Ann");
const bob = newUser("Bob");
const carl = newUser("Carl");
beforeAll(async () => {
  ({ db } = await createTestDb());
  ({ roomId } = await Room.create(db, { input: { name: "todos" }, caller: ann }));
  await db.entities.membership
    .create(newMembership({ roomId, user: bob, role: "member", now: new Date() }))
    .go();
});

/** A room of its own, with todos titled `titles` added in that order. */
async function roomWith(titles: string[]) {
  const room = await Room.create(db, { input: { name: "list" }, caller: ann });
  const todos = [];
  for (const title of titles)
    todos.push((await Todo.add(db, { roomId: room.roomId, userId: ann.userId, title })).todo);
  return { roomId: room.roomId, todos };
}

const titlesOf = async (id: string) => (await Todo.list(db, { roomId: id })).map((t) => t.title);

describe("Todo", () => {
  it("adds a todo at version 1, not done, with a position", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: " buy milk " });
    expect(todo).toMatchObject({ roomId, title: "buy milk", done: false, version: 1 });
    expect(typeof todo.position).toBe("string");
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(todo);
  });

  it("updates with the current version and bumps it", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "t" });
    const done = await Todo.update(db, { roomId, todoId: todo.todoId, version: 1, done: true });
    expect(done).toMatchObject({ done: true, title: "t", version: 2, position: todo.position });
    const renamed = await Todo.update(db, { roomId, todoId: todo.todoId, version: 2, title: "t2" });
    expect(renamed).toMatchObject({ done: true, title: "t2", version: 3 });
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(renamed);
  });

  it("a stale version fails with conflict, carries the current todo, and changes nothing", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "contested" });
    const winner = await Todo.update(db, { roomId, todoId: todo.todoId, version: 1, title: "winner" });
    const error = await Todo.update(db, { roomId, todoId: todo.todoId, version: 1, title: "loser" }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.current).toEqual(winner);
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(winner);
  });

  it("concurrent updates at one version: exactly one wins", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "race" });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        Todo.update(db, { roomId, todoId: todo.todoId, version: 1, title: `w${i}` }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    expect(
      results.filter((r) => r.status === "rejected").every((r) => r.reason instanceof ConflictError),
    ).toBe(true);
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(
      (won[0] as PromiseFulfilledResult<unknown>).value,
    );
  });

  it("updating, moving or deleting a missing todo is not_found", async () => {
    const missing = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    await expect(Todo.update(db, { roomId, todoId: missing, version: 1, done: true })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(Todo.move(db, { roomId, todoId: missing, version: 1, after: null })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(Todo.remove(db, { roomId, todoId: missing, version: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("an update without changes or with a bad version is refused", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "x" });
    await expect(Todo.update(db, { roomId, todoId: todo.todoId, version: 1 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      Todo.update(db, { roomId, todoId: todo.todoId, version: 1.5, done: true }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await Todo.get(db, { roomId, todoId: todo.todoId })).version).toBe(1);
  });
});

describe("Todo order", () => {
  it("a new todo goes last; lists are ordered by position", async () => {
    const { roomId: id, todos } = await roomWith(["a", "b", "c"]);
    expect(await titlesOf(id)).toEqual(["a", "b", "c"]);
    const positions = todos.map((t) => t.position);
    expect([...positions].sort()).toEqual(positions);
    const { room, todos: viewed } = await Room.getWithTodos(db, { roomId: id });
    expect(room.roomId).toBe(id);
    expect(viewed.map((t) => t.title)).toEqual(["a", "b", "c"]);
  });

  it("moves a todo first, after another, and last; each move bumps the version", async () => {
    const { roomId: id, todos } = await roomWith(["a", "b", "c", "d"]);
    const [a, b, c, d] = todos as [TodoShape, TodoShape, TodoShape, TodoShape];
    const first = await Todo.move(db, { roomId: id, todoId: c.todoId, version: 1, after: null });
    expect(first).toMatchObject({ todoId: c.todoId, version: 2, title: "c" });
    expect(await titlesOf(id)).toEqual(["c", "a", "b", "d"]);
    await Todo.move(db, { roomId: id, todoId: d.todoId, version: 1, after: a.todoId });
    expect(await titlesOf(id)).toEqual(["c", "a", "d", "b"]);
    await Todo.move(db, { roomId: id, todoId: a.todoId, version: 1, after: b.todoId });
    expect(await titlesOf(id)).toEqual(["c", "d", "b", "a"]);
    // A new todo still goes after the one moved last.
    await Todo.add(db, { roomId: id, userId: ann.userId, title: "e" });
    expect(await titlesOf(id)).toEqual(["c", "d", "b", "a", "e"]);
    expect(await Todo.get(db, { roomId: id, todoId: c.todoId })).toEqual(first);
  });

  it("moving a todo to the place it already holds bumps its version and keeps the order", async () => {
    const { roomId: id, todos } = await roomWith(["a", "b", "c"]);
    const [a, b] = todos as [TodoShape, TodoShape];
    // Each move picks one of a few keys of the gap: 30 of them land on the key it holds many times over.
    for (let version = 1; version <= 30; version++) {
      const moved = await Todo.move(db, { roomId: id, todoId: b.todoId, version, after: a.todoId });
      expect(moved.version).toBe(version + 1);
    }
    expect(await titlesOf(id)).toEqual(["a", "b", "c"]);
  });

  it("a move at a stale version is a conflict carrying the current todo and moves nothing", async () => {
    const { roomId: id, todos } = await roomWith(["a", "b"]);
    const [a, b] = todos as [TodoShape, TodoShape];
    const edited = await Todo.update(db, { roomId: id, todoId: b.todoId, version: 1, done: true });
    const error = await Todo.move(db, { roomId: id, todoId: b.todoId, version: 1, after: null }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.current).toEqual(edited);
    expect(await titlesOf(id)).toEqual(["a", "b"]);
    await expect(
      Todo.move(db, { roomId: id, todoId: a.todoId, version: 1, after: a.todoId }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      Todo.move(db, { roomId: id, todoId: a.todoId, version: 1, after: "01ARZ3NDEKTSV4RRFFQ69G5FAV" }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("concurrent moves into one gap and concurrent adds never share a position or lose a todo", async () => {
    const { roomId: id, todos } = await roomWith(["a", "b", "c", "d", "e", "f"]);
    const [a, ...rest] = todos as [TodoShape, ...TodoShape[]];
    const results = await Promise.allSettled([
      // Five todos race into the same gap (right after a), while five new todos race for the end.
      ...rest.map((t) => Todo.move(db, { roomId: id, todoId: t.todoId, version: 1, after: a.todoId })),
      ...["g", "h", "i", "j", "k"].map((title) => Todo.add(db, { roomId: id, userId: bob.userId, title })),
    ]);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const listed = await Todo.list(db, { roomId: id });
    expect(listed).toHaveLength(11);
    expect(new Set(listed.map((t) => t.position)).size).toBe(11);
    expect(listed[0]?.title).toBe("a");
    expect(new Set(listed.slice(1, 6).map((t) => t.title))).toEqual(new Set(["b", "c", "d", "e", "f"]));
    // Every position is held by exactly one position item, and nothing else holds one.
    const { data: taken } = await db.entities.todoPosition.query
      .byPosition({ roomId: id })
      .go({ pages: "all" });
    expect(taken.map((p) => [p.position, p.todoId]).sort()).toEqual(
      listed.map((t) => [t.position, t.todoId]).sort(),
    );
  });
});

describe("Todo assignee", () => {
  it("assigns to a member, unassigns with null, and refuses a non-member", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "assign me" });
    const assigned = await Todo.update(db, {
      roomId,
      todoId: todo.todoId,
      version: 1,
      assigneeId: bob.userId,
    });
    expect(assigned).toMatchObject({ assigneeId: bob.userId, version: 2 });
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(assigned);
    const refused = await Todo.update(db, {
      roomId,
      todoId: todo.todoId,
      version: 2,
      assigneeId: carl.userId,
    }).catch((e) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.issues).toEqual([{ path: ["assigneeId"], message: "must be a member of the room" }]);
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(assigned);
    const unassigned = await Todo.update(db, { roomId, todoId: todo.todoId, version: 2, assigneeId: null });
    expect(unassigned.version).toBe(3);
    expect(unassigned).not.toHaveProperty("assigneeId");
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(unassigned);
  });
});

describe("Todo.remove", () => {
  it("deletes at the current version; a second delete is not_found", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "twice" });
    await Todo.remove(db, { roomId, todoId: todo.todoId, version: 1 });
    expect((await Todo.list(db, { roomId })).map((t) => t.todoId)).not.toContain(todo.todoId);
    await expect(Todo.remove(db, { roomId, todoId: todo.todoId, version: 1 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("a delete at a stale version is a conflict carrying the current todo, and keeps it", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "edited meanwhile" });
    const edited = await Todo.update(db, { roomId, todoId: todo.todoId, version: 1, title: "still wanted" });
    const error = await Todo.remove(db, { roomId, todoId: todo.todoId, version: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.current).toEqual(edited);
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(edited);
  });

  it("a delete releases the todo's position and its place in the count", async () => {
    const { roomId: id, todos } = await roomWith(["a", "b"]);
    await Todo.remove(db, { roomId: id, todoId: todos[1]!.todoId, version: 1 });
    const { data: taken } = await db.entities.todoPosition.query.byPosition({ roomId: id }).go();
    expect(taken.map((p) => p.todoId)).toEqual([todos[0]!.todoId]);
    const { data: list } = await db.entities.todoList.get({ roomId: id }).go({ consistent: true });
    expect(list?.count).toBe(1);
  });
});

describe("Todo idempotency (client ids)", () => {
  it("adding twice with one clientTodoId creates one todo", async () => {
    const first = await Todo.add(db, { roomId, userId: ann.userId, title: "once", clientTodoId: "ct-1" });
    const again = await Todo.add(db, { roomId, userId: ann.userId, title: "once", clientTodoId: "ct-1" });
    expect(again).toEqual({ todo: first.todo, created: false });
    expect((await Todo.list(db, { roomId })).filter((t) => t.title === "once")).toHaveLength(1);
  });

  it("clientTodoId is per user: the same id from two users adds two todos", async () => {
    const a = await Todo.add(db, { roomId, userId: ann.userId, title: "ann's", clientTodoId: "shared-t" });
    const b = await Todo.add(db, { roomId, userId: bob.userId, title: "bob's", clientTodoId: "shared-t" });
    expect([a.created, b.created]).toEqual([true, true]);
    expect(b.todo.todoId).not.toBe(a.todo.todoId);
    const bAgain = await Todo.add(db, {
      roomId,
      userId: bob.userId,
      title: "again",
      clientTodoId: "shared-t",
    });
    expect(bAgain).toEqual({ todo: b.todo, created: false });
  });

  it("concurrent repeats of one clientTodoId store one todo and all answer with it", async () => {
    const { roomId: id } = await roomWith([]);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        Todo.add(db, { roomId: id, userId: ann.userId, title: "once only", clientTodoId: "burst" }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.todo.todoId)).size).toBe(1);
    expect(await titlesOf(id)).toEqual(["once only"]);
  });

  it("the claim names the todo it was made for; a repeat after a delete is not_found, not a new todo", async () => {
    const { roomId: id } = await roomWith([]);
    const { todo } = await Todo.add(db, {
      roomId: id,
      userId: ann.userId,
      title: "x",
      clientTodoId: "c-del",
    });
    const claim = await Claim.find(db, { roomId: id, scope: "todo", userId: ann.userId, clientId: "c-del" });
    expect(claim?.targetId).toBe(todo.todoId);
    await Todo.remove(db, { roomId: id, todoId: todo.todoId, version: 1 });
    await expect(
      Todo.add(db, { roomId: id, userId: ann.userId, title: "x", clientTodoId: "c-del" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await titlesOf(id)).toEqual([]);
  });
});

describe("Todo cap", () => {
  it("refuses the add past the cap with limit_reached; a delete makes room again", async () => {
    const { roomId: id, todos } = await roomWith(["a", "b", "c"]);
    const error = await Todo.add(db, { roomId: id, userId: ann.userId, title: "d" }, { maxTodos: 3 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(LimitReachedError);
    expect(error.code).toBe("limit_reached");
    expect(await titlesOf(id)).toEqual(["a", "b", "c"]);
    await Todo.remove(db, { roomId: id, todoId: todos[0]!.todoId, version: 1 });
    await Todo.add(db, { roomId: id, userId: ann.userId, title: "d" }, { maxTodos: 3 });
    expect(await titlesOf(id)).toEqual(["b", "c", "d"]);
  });

  it("concurrent adds never pass the cap", async () => {
    const { roomId: id } = await roomWith(["a"]);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        Todo.add(db, { roomId: id, userId: ann.userId, title: `n${i}` }, { maxTodos: 4 }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
    const refused = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(refused.every((e) => e instanceof LimitReachedError)).toBe(true);
    expect(await Todo.list(db, { roomId: id })).toHaveLength(4);
    const { data: list } = await db.entities.todoList.get({ roomId: id }).go({ consistent: true });
    expect(list?.count).toBe(4);
  });

  it("a repeated clientTodoId at the cap still answers with the stored todo", async () => {
    const { roomId: id } = await roomWith([]);
    const first = await Todo.add(
      db,
      { roomId: id, userId: ann.userId, title: "full", clientTodoId: "k" },
      { maxTodos: 1 },
    );
    const again = await Todo.add(
      db,
      { roomId: id, userId: ann.userId, title: "full", clientTodoId: "k" },
      { maxTodos: 1 },
    );
    expect(again).toEqual({ todo: first.todo, created: false });
  });
});

describe("Todos stored before positions existed", () => {
  /** Writes todos the way v1 stored them: no position, no todo list item in the room. */
  async function legacyRoom(titles: string[]) {
    const room = await Room.create(db, { input: { name: "v1 room" }, caller: ann });
    const at = new Date().toISOString();
    const ids = ["01JP3Q8Z5K7V2M4N6R8T0W2Y4A", "01JP3Q8Z5K7V2M4N6R8T0W2Y4B", "01JP3Q8Z5K7V2M4N6R8T0W2Y4C"];
    for (const [i, title] of titles.entries()) {
      await db.entities.todo
        .create({
          roomId: room.roomId,
          todoId: ids[i]!,
          title,
          done: false,
          version: 1,
          createdAt: at,
          updatedAt: at,
        })
        .go();
    }
    return { roomId: room.roomId, ids };
  }

  it("list in creation order with positions, and keep those positions once a write stores them", async () => {
    const { roomId: id, ids } = await legacyRoom(["one", "two", "three"]);
    const before = await Todo.list(db, { roomId: id });
    expect(before.map((t) => t.title)).toEqual(["one", "two", "three"]);
    expect(before.every((t) => typeof t.position === "string")).toBe(true);
    expect((await Room.getWithTodos(db, { roomId: id })).todos).toEqual(before);
    // The room's first todo write stores the positions reads showed, then does its own work.
    const { todo } = await Todo.add(db, { roomId: id, userId: ann.userId, title: "four" });
    const after = await Todo.list(db, { roomId: id });
    expect(after.slice(0, 3)).toEqual(before);
    expect(after.at(-1)).toEqual(todo);
    const { data: stored } = await db.entities.todo.get({ roomId: id, todoId: ids[0]! }).go();
    expect(stored?.position).toBe(before[0]?.position);
    // The cap counts the todos stored before too.
    await expect(
      Todo.add(db, { roomId: id, userId: ann.userId, title: "five" }, { maxTodos: 4 }),
    ).rejects.toBeInstanceOf(LimitReachedError);
  });

  it("can be moved, edited and deleted", async () => {
    const { roomId: id, ids } = await legacyRoom(["one", "two", "three"]);
    const edited = await Todo.update(db, { roomId: id, todoId: ids[1]!, version: 1, done: true });
    expect(edited).toMatchObject({ done: true, version: 2 });
    expect(typeof edited.position).toBe("string");
    await Todo.move(db, { roomId: id, todoId: ids[2]!, version: 1, after: null });
    await Todo.remove(db, { roomId: id, todoId: ids[0]!, version: 1 });
    expect(await titlesOf(id)).toEqual(["three", "two"]);
  });
});
