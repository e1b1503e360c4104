import { beforeAll, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { Membership } from "../../src/membership";
import { Room } from "../../src/room";
import { Todo } from "../../src/todo";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
beforeAll(async () => ({ db } = await createTestDb()));

it("GET /rooms/{roomId} reads at most maxTodos todos (a bounded Query), and always the room", async () => {
  const owner = newUser("Olive");
  const room = await Room.create(db, { input: { name: "busy" }, caller: owner });
  for (let i = 0; i < 5; i++)
    await Todo.add(db, { roomId: room.roomId, userId: owner.userId, title: `t${i}` });
  const capped = await Membership.roomView(db, {
    input: { roomId: room.roomId },
    caller: owner,
    maxTodos: 3,
  });
  expect(capped.room).toEqual(room);
  expect(capped.todos).toHaveLength(3);
  const all = await Membership.roomView(db, { input: { roomId: room.roomId }, caller: owner, maxTodos: 10 });
  expect(all.todos.map((todo) => todo.title)).toEqual(["t0", "t1", "t2", "t3", "t4"]);
  expect(all.role).toBe("owner");
});
