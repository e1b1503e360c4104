import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { NotFoundError, ValidationError } from "../../src/errors";
import { Room } from "../../src/room";
import { Todo } from "../../src/todo";
import { createTestDb } from "../support/test-db";

let db: Db;
beforeAll(async () => ({ db } = await createTestDb()));

describe("Room", () => {
  it("creates a room with a trimmed name and reads it back", async () => {
    const room = await Room.create(db, { name: "  Lobby  " });
    expect(room.name).toBe("Lobby");
    expect(await Room.get(db, { roomId: room.roomId })).toEqual(room);
  });

  it("refuses names that are empty after trim or longer than 80", async () => {
    await expect(Room.create(db, { name: "   " })).rejects.toBeInstanceOf(ValidationError);
    await expect(Room.create(db, { name: "x".repeat(81) })).rejects.toBeInstanceOf(ValidationError);
    await expect(Room.create(db, { name: "x".repeat(80) })).resolves.toMatchObject({ name: "x".repeat(80) });
  });

  it("throws NotFoundError for an unknown room", async () => {
    await expect(Room.get(db, { roomId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(Room.getWithTodos(db, { roomId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("lists rooms newest first through every page with a cursor, then null", async () => {
    const { db: fresh } = await createTestDb();
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await Room.create(fresh, { name: `room ${i}` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await Room.list(fresh, { limit: 3, cursor });
      seen.push(...page.rooms.map((r) => r.name));
      cursor = page.cursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(created.map((r) => r.name).reverse());
  });

  it("gives a null cursor when a page is exactly full and nothing is left", async () => {
    const { db: fresh } = await createTestDb();
    for (let i = 0; i < 2; i++) await Room.create(fresh, { name: `r${i}` });
    expect((await Room.list(fresh, { limit: 2 })).cursor).toBeNull();
  });

  it("refuses a limit of 0 or 101 and a malformed cursor instead of clamping", async () => {
    await expect(Room.list(db, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(Room.list(db, { limit: 101 })).rejects.toBeInstanceOf(ValidationError);
    await expect(Room.list(db, { cursor: "nope" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("reads a room with its todos in one query, and no other room's todos", async () => {
    const a = await Room.create(db, { name: "a" });
    const b = await Room.create(db, { name: "b" });
    await Todo.add(db, { roomId: a.roomId, title: "one" });
    await Todo.add(db, { roomId: a.roomId, title: "two" });
    await Todo.add(db, { roomId: b.roomId, title: "other" });
    const view = await Room.getWithTodos(db, { roomId: a.roomId });
    expect(view.room).toEqual(a);
    expect(view.todos.map((t) => t.title)).toEqual(["one", "two"]);
  });
});
