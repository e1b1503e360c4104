import { describe, expect, it } from "vitest";
import { HeldCommands } from "../../src/network/held-commands";

describe("HeldCommands", () => {
  it("gives back what was held, oldest first, once", () => {
    const held = new HeldCommands();
    const update = { action: "updateTodo" as const, todoId: "t", version: 2, done: true };
    const move = { action: "moveTodo" as const, todoId: "t", version: 2, after: null };
    held.hold(update);
    held.hold(move);
    expect(held.take()).toEqual([update, move]);
    expect(held.take()).toEqual([]);
  });
});
