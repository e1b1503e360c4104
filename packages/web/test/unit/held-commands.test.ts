import { describe, expect, it } from "vitest";
import { HeldCommands } from "../../src/network/held-commands";

const add = (n: number) => ({ action: "addTodo" as const, title: `todo ${n}`, clientTodoId: `c${n}` });

describe("HeldCommands", () => {
  it("gives back what was held, oldest first, once", () => {
    const held = new HeldCommands();
    const update = { action: "updateTodo" as const, todoId: "t", version: 2, done: true };
    held.hold(add(1));
    held.hold(update);
    expect(held.take()).toEqual([add(1), update]);
    expect(held.take()).toEqual([]);
  });

  it("holds again a sent add the server refused, by its clientTodoId, remembering the latest 20 only", () => {
    const held = new HeldCommands();
    for (let n = 1; n <= 25; n++) held.sent(add(n));
    expect(held.holdRefused("c25")).toBe(true);
    expect(held.holdRefused("c6")).toBe(true);
    expect(held.holdRefused("c5")).toBe(false);
    expect(held.holdRefused(undefined)).toBe(false);
    expect(held.take()).toEqual([add(25), add(6)]);
  });
});
