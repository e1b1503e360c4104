import { describe, expect, it } from "vitest";
import {
  addTodoCommand,
  deleteTodoCommand,
  moveTodoAfterCommand,
  moveTodoCommand,
  todoMoveCommand,
  updateTodoCommand,
} from "../../src/network/todo-commands";
import { todo } from "./support/fixtures";

describe("todo commands", () => {
  it("adds with a trimmed title, refusing a missing or too long one", () => {
    expect(addTodoCommand("  milk ", "c1")).toEqual({
      frame: { action: "addTodo", title: "milk", clientTodoId: "c1" },
    });
    expect(addTodoCommand("   ", "c1")).toEqual({ refusal: "todoTitleMissing" });
    expect(addTodoCommand("x".repeat(201), "c1")).toEqual({ refusal: "todoTitleTooLong" });
  });

  it("updates only what differs, at the version shown; nothing to send when nothing differs", () => {
    const shown = todo(1, { version: 4, assigneeId: "u1" });
    expect(updateTodoCommand(shown, { done: true, title: shown.title })).toEqual({
      frame: { action: "updateTodo", todoId: shown.todoId, version: 4, done: true },
    });
    expect(updateTodoCommand(shown, { assigneeId: "u2" })).toEqual({
      frame: { action: "updateTodo", todoId: shown.todoId, version: 4, assigneeId: "u2" },
    });
    expect(updateTodoCommand(todo(2), { assigneeId: null })).toBeNull();
    expect(updateTodoCommand(shown, { assigneeId: "u1", done: false })).toBeNull();
    expect(updateTodoCommand(shown, { title: " " })).toEqual({ refusal: "todoTitleMissing" });
  });

  it("deletes at the version shown", () => {
    expect(deleteTodoCommand(todo(1, { version: 7 }))).toEqual({
      frame: { action: "deleteTodo", todoId: todo(1).todoId, version: 7 },
    });
  });

  it("moves one place: up is after the one two above (or first), down is after the one below", () => {
    const list = [todo(1), todo(2), todo(3, { version: 2 })];
    const move = (n: number, direction: "up" | "down") => moveTodoCommand(list, todo(n).todoId, direction);
    expect(move(2, "up")).toEqual({
      frame: { action: "moveTodo", todoId: todo(2).todoId, version: 1, after: null },
    });
    expect(move(3, "up")).toEqual({
      frame: { action: "moveTodo", todoId: todo(3).todoId, version: 2, after: todo(1).todoId },
    });
    expect(move(1, "down")).toEqual({
      frame: { action: "moveTodo", todoId: todo(1).todoId, version: 1, after: todo(2).todoId },
    });
    expect(move(1, "up")).toEqual({ refusal: "cannotMove" });
    expect(move(3, "down")).toEqual({ refusal: "cannotMove" });
    expect(move(9, "down")).toEqual({ refusal: "cannotMove" });
  });

  it("moves after a given todo, or first; nothing to send when it is there already", () => {
    const list = [todo(1), todo(2), todo(3, { version: 4 })];
    const moveAfter = (n: number, after: number | null) =>
      moveTodoAfterCommand(list, todo(n).todoId, after === null ? null : todo(after).todoId);
    expect(moveAfter(3, null)).toEqual({
      frame: { action: "moveTodo", todoId: todo(3).todoId, version: 4, after: null },
    });
    expect(moveAfter(1, 3)).toEqual({
      frame: { action: "moveTodo", todoId: todo(1).todoId, version: 1, after: todo(3).todoId },
    });
    expect(moveAfter(3, 1)).toEqual({
      frame: { action: "moveTodo", todoId: todo(3).todoId, version: 4, after: todo(1).todoId },
    });
    expect(moveAfter(1, null)).toBeNull();
    expect(moveAfter(3, 2)).toBeNull();
    expect(moveAfter(2, 2)).toEqual({ refusal: "cannotMove" });
    expect(moveAfter(2, 9)).toEqual({ refusal: "cannotMove" });
    expect(moveAfter(9, 1)).toEqual({ refusal: "cannotMove" });
  });

  it("todoMoveCommand takes either kind of move", () => {
    const list = [todo(1), todo(2)];
    expect(todoMoveCommand(list, todo(2).todoId, "up")).toEqual(moveTodoCommand(list, todo(2).todoId, "up"));
    expect(todoMoveCommand(list, todo(2).todoId, { after: null })).toEqual(
      moveTodoAfterCommand(list, todo(2).todoId, null),
    );
  });
});
