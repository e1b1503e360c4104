import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { NotFoundError, ValidationError } from "../../src/errors";
import { Membership } from "../../src/membership";
import { Room } from "../../src/room";
import { Todo } from "../../src/todo";
import { tableItems } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => ({ db, client, table } = await createTestDb()));

const ann = newUser("Ann");
const create = (input: { name: string; visibility?: "public" | "private" }, caller = ann, on = db) =>
  Room.create(on, { input, caller });

describe("Room", () => {
  it("creates a public room with a trimmed name and reads it back", async () => {
    const now = new Date("2026-03-12T19:00:00.000Z");
    const room = await Room.create(db, { input: { name: "  Lobby  " }, caller: ann, now });
    expect(room).toEqual({
      roomId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      name: "Lobby",
      createdAt: now.toISOString(),
      visibility: "public",
      lastSeq: 0,
    });
    expect(await Room.get(db, { roomId: room.roomId })).toEqual(room);
  });

  it("makes its creator the owner, in the same write", async () => {
    const now = new Date();
    const room = await Room.create(db, { input: { name: "owned", visibility: "private" }, caller: ann, now });
    expect(room.visibility).toBe("private");
    expect(await Membership.get(db, { roomId: room.roomId, userId: ann.userId })).toEqual({
      roomId: room.roomId,
      userId: ann.userId,
      name: "Ann",
      role: "owner",
      joinedAt: now.toISOString(),
      readSeq: 0,
      mentionSeqs: [],
    });
  });

  it("refuses names that are empty after trim or longer than 80, and a bad visibility, writing nothing", async () => {
    const before = await tableItems(client, table);
    await expect(create({ name: "   " })).rejects.toBeInstanceOf(ValidationError);
    await expect(create({ name: "x".repeat(81) })).rejects.toBeInstanceOf(ValidationError);
    await expect(create({ name: "ok", visibility: "secret" as "public" })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await tableItems(client, table)).toEqual(before);
    await expect(create({ name: "x".repeat(80) })).resolves.toMatchObject({ name: "x".repeat(80) });
  });

  it("throws NotFoundError for an unknown room", async () => {
    await expect(Room.get(db, { roomId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(Room.getWithTodos(db, { roomId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("lists public rooms newest first through every page with a cursor, then null", async () => {
    const { db: fresh } = await createTestDb();
    const created = [];
    for (let i = 0; i < 7; i++) created.push(await create({ name: `room ${i}` }, ann, fresh));
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

  it("never lists a private room, and private rooms do not thin a page of public ones", async () => {
    const { db: fresh } = await createTestDb();
    const publicRooms = [];
    for (let i = 0; i < 4; i++) {
      publicRooms.push(await create({ name: `public ${i}` }, ann, fresh));
      await create({ name: `private ${i}`, visibility: "private" }, ann, fresh);
    }
    const first = await Room.list(fresh, { limit: 2 });
    expect(first.rooms.map((r) => r.name)).toEqual(["public 3", "public 2"]);
    const second = await Room.list(fresh, { limit: 2, cursor: first.cursor! });
    expect(second.rooms.map((r) => r.name)).toEqual(["public 1", "public 0"]);
    expect(second.cursor).toBeNull();
    expect([...first.rooms, ...second.rooms].every((r) => r.visibility === "public")).toBe(true);
  });

  it("gives a null cursor when a page is exactly full and nothing is left", async () => {
    const { db: fresh } = await createTestDb();
    for (let i = 0; i < 2; i++) await create({ name: `r${i}` }, ann, fresh);
    expect((await Room.list(fresh, { limit: 2 })).cursor).toBeNull();
  });

  it("refuses a limit of 0 or 101 and a malformed cursor instead of clamping", async () => {
    await expect(Room.list(db, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(Room.list(db, { limit: 101 })).rejects.toBeInstanceOf(ValidationError);
    await expect(Room.list(db, { cursor: "nope" })).rejects.toBeInstanceOf(ValidationError);
  });

  it("reads a room with its todos in one query, and no other room's todos (nor its memberships)", async () => {
    const a = await create({ name: "a" });
    const b = await create({ name: "b" });
    await Membership.join(db, { room: a, user: newUser("Bob") });
    await Todo.add(db, { roomId: a.roomId, userId: ann.userId, title: "one" });
    await Todo.add(db, { roomId: a.roomId, userId: ann.userId, title: "two" });
    await Todo.add(db, { roomId: b.roomId, userId: ann.userId, title: "other" });
    const view = await Room.getWithTodos(db, { roomId: a.roomId });
    expect(view.room).toEqual(a);
    expect(view.todos.map((t) => t.title)).toEqual(["one", "two"]);
  });
});
