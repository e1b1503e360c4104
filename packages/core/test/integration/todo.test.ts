import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { ConflictError, NotFoundError, ValidationError } from "../../src/errors";
import { Room } from "../../src/room";
import { Todo } from "../../src/todo";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let roomId: string;
const ann = newUser("Ann");
const bob = newUser("Bob");
beforeAll(async () => {
  ({ db } = await createTestDb());
  ({ roomId } = await Room.create(db, { input: { name: "todos" }, caller: ann }));
});

describe("Todo", () => {
  it("adds a todo at version 1, not done", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: " buy milk " });
    expect(todo).toMatchObject({ roomId, title: "buy milk", done: false, version: 1 });
    expect(await Todo.get(db, { roomId, todoId: todo.todoId })).toEqual(todo);
  });

  it("updates with the current version and bumps it", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "t" });
    const done = await Todo.update(db, { roomId, todoId: todo.todoId, version: 1, done: true });
    expect(done).toMatchObject({ done: true, title: "t", version: 2 });
    const renamed = await Todo.update(db, { roomId, todoId: todo.todoId, version: 2, title: "t2" });
    expect(renamed).toMatchObject({ done: true, title: "t2", version: 3 });
  });

  it("a stale version fails with conflict, carries the current todo, and changes nothing", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "contested" });
    const winner = await Todo.update(db, { roomId, todoId: todo.todoId, version: 1, title: "winner" });
    const error = await Todo.update(db, { roomId, todoId: todo.todoId, version: 1, title: "loser" }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.code).toBe("conflict");
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

  it("updating or deleting a missing todo is not_found", async () => {
    const missing = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    await expect(Todo.update(db, { roomId, todoId: missing, version: 1, done: true })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(Todo.remove(db, { roomId, todoId: missing })).rejects.toBeInstanceOf(NotFoundError);
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

  it("deletes a todo", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "gone soon" });
    await Todo.remove(db, { roomId, todoId: todo.todoId });
    expect((await Todo.list(db, { roomId })).map((t) => t.todoId)).not.toContain(todo.todoId);
  });

  it("adding twice with one clientTodoId creates one todo", async () => {
    const first = await Todo.add(db, { roomId, userId: ann.userId, title: "once", clientTodoId: "ct-1" });
    const again = await Todo.add(db, { roomId, userId: ann.userId, title: "once", clientTodoId: "ct-1" });
    expect(again).toEqual({ todo: first.todo, created: false });
    expect((await Todo.list(db, { roomId })).filter((t) => t.title === "once")).toHaveLength(1);
  });

  it("clientTodoId is per user: the same id from two users adds two todos, and a repeat returns the user's own", async () => {
    const a = await Todo.add(db, { roomId, userId: ann.userId, title: "ann's", clientTodoId: "shared-t" });
    const b = await Todo.add(db, { roomId, userId: bob.userId, title: "bob's", clientTodoId: "shared-t" });
    expect(a.created).toBe(true);
    expect(b.created).toBe(true);
    expect(b.todo.todoId).not.toBe(a.todo.todoId);
    const bAgain = await Todo.add(db, {
      roomId,
      userId: bob.userId,
      title: "bob's again",
      clientTodoId: "shared-t",
    });
    expect(bAgain).toEqual({ todo: b.todo, created: false });
    const titles = (await Todo.list(db, { roomId })).map((t) => t.title);
    expect(titles.filter((t) => t.startsWith("ann's") || t.startsWith("bob's"))).toEqual(["ann's", "bob's"]);
  });

  it("lists todos in creation order", async () => {
    const { db: fresh } = await createTestDb();
    const room = await Room.create(fresh, { input: { name: "order" }, caller: ann });
    for (const title of ["a", "b", "c"])
      await Todo.add(fresh, { roomId: room.roomId, userId: ann.userId, title });
    expect((await Todo.list(fresh, { roomId: room.roomId })).map((t) => t.title)).toEqual(["a", "b", "c"]);
  });
});

describe("Todo.remove", () => {
  it("a second delete of the same todo is not_found", async () => {
    const { todo } = await Todo.add(db, { roomId, userId: ann.userId, title: "twice" });
    await Todo.remove(db, { roomId, todoId: todo.todoId });
    await expect(Todo.remove(db, { roomId, todoId: todo.todoId })).rejects.toBeInstanceOf(NotFoundError);
  });
});
