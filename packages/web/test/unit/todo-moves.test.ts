import { describe, expect, it } from "vitest";
import { TodoMoves } from "../../src/network/todo-moves";
import { todo } from "./support/fixtures";

describe("TodoMoves", () => {
  it("queues moves behind the one on its way and hands them over once a newer copy arrives", () => {
    const moves = new TodoMoves();
    const t = todo(1, { version: 3 });
    expect(moves.queueBehind(t.todoId, "up")).toBe(false);
    moves.sent(t.todoId, 3);
    expect(moves.queueBehind(t.todoId, "up")).toBe(true);
    expect(moves.queueBehind(t.todoId, "down", "up")).toBe(true);
    expect(moves.arrived({ ...t, version: 3 })).toBeNull();
    expect(moves.arrived({ ...t, version: 4 })).toEqual(["up", "down", "up"]);
    expect(moves.queueBehind(t.todoId, "up")).toBe(false);
    expect(moves.arrived({ ...t, version: 5 })).toBeNull();
  });

  it("keeps each todo's moves apart; forget and clear drop what waited", () => {
    const moves = new TodoMoves();
    const [a, b] = [todo(1), todo(2)];
    moves.sent(a.todoId, 1);
    moves.sent(b.todoId, 1);
    moves.queueBehind(a.todoId, "down");
    moves.forget(a.todoId);
    expect(moves.arrived({ ...a, version: 2 })).toBeNull();
    expect(moves.arrived({ ...b, version: 2 })).toEqual([]);
    moves.sent(b.todoId, 2);
    moves.queueBehind(b.todoId, "up");
    moves.clear();
    expect(moves.arrived({ ...b, version: 3 })).toBeNull();
  });

  it("queues a move to a place (a drop) like a step", () => {
    const moves = new TodoMoves();
    const t = todo(1);
    moves.sent(t.todoId, 1);
    expect(moves.queueBehind(t.todoId, { after: null }, "down")).toBe(true);
    expect(moves.arrived({ ...t, version: 2 })).toEqual([{ after: null }, "down"]);
  });
});
