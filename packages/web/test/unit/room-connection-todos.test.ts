import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/connection-timing";
import { snapshot, todo } from "./support/fixtures";
import { harness } from "./support/harness";

describe("RoomConnection: todos", () => {
  it("sends addTodo with a trimmed title and a clientTodoId; the broadcast adds it", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    expect(connection.addTodo("  buy milk  ")).toEqual({ ok: true });
    expect(sockets.last.framesOf("addTodo")).toEqual([
      { action: "addTodo", title: "buy milk", clientTodoId: "c1" },
    ]);
    sockets.last.receive({ type: "todo", todo: todo(1, { title: "buy milk" }) });
    expect(connection.state.todos.map((t) => t.title)).toEqual(["buy milk"]);
  });

  it("sends only the changed fields, at the version shown", () => {
    const { connection, sockets, goLive } = harness();
    const shown = todo(1, { version: 3 });
    goLive({ todos: [shown] });
    connection.updateTodo(shown, { done: true });
    connection.updateTodo(shown, { title: " renamed " });
    expect(connection.updateTodo(shown, { title: shown.title, done: false })).toEqual({ ok: true }); // no change: nothing sent
    expect(sockets.last.framesOf("updateTodo")).toEqual([
      { action: "updateTodo", todoId: shown.todoId, version: 3, done: true },
      { action: "updateTodo", todoId: shown.todoId, version: 3, title: "renamed" },
    ]);
  });

  it("refuses todo changes while not live, and invalid titles, saying why", () => {
    const { connection, sockets, goLive } = harness();
    connection.start();
    expect(connection.addTodo("x")).toEqual({ ok: false, refusal: "offline" });
    goLive();
    expect(connection.addTodo("   ")).toEqual({ ok: false, refusal: "todoTitleMissing" });
    expect(connection.addTodo("x".repeat(201)).ok).toBe(false);
    expect(connection.updateTodo(todo(1), { title: " " }).ok).toBe(false);
    expect(sockets.last.framesOf("addTodo")).toEqual([]);
    expect(sockets.last.framesOf("updateTodo")).toEqual([]);
  });

  it("replaces a todo with a newer version and never with an older one", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ todos: [todo(1)] });
    sockets.last.receive({ type: "todo", todo: todo(1, { version: 3, title: "v3" }) });
    sockets.last.receive({ type: "todo", todo: todo(1, { version: 2, title: "v2" }) });
    expect(connection.state.todos).toEqual([todo(1, { version: 3, title: "v3" })]);
  });

  it("on a lost version race shows the server's current todo and a friendly note, not an error", () => {
    const { connection, sockets, goLive } = harness();
    const mineAt2 = todo(1, { version: 2, title: "mine" });
    goLive({ todos: [mineAt2] });
    connection.updateTodo(mineAt2, { title: "my edit" });
    const current = todo(1, { version: 3, title: "their edit", done: true });
    sockets.last.receive({
      type: "error",
      code: "conflict",
      message: "Todo changed",
      todo: current,
      action: "updateTodo",
    });
    expect(connection.state.todos).toEqual([current]);
    expect(connection.state.status).toBe("live");
    expect(connection.state.notices).toHaveLength(1);
    expect(connection.state.notices[0]).toMatchObject({ tone: "info" });
    expect(connection.state.notices[0]).toMatchObject({ kind: "todoConflict", todoTitle: "their edit" });
  });

  it("info notes fade on their own; error notices stay until dismissed", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ todos: [todo(1)] });
    sockets.last.receive({
      type: "error",
      code: "conflict",
      message: "Todo changed",
      todo: todo(1, { version: 2 }),
    });
    sockets.last.receive({
      type: "error",
      code: "bad_request",
      message: "title is too long",
      action: "addTodo",
    });
    clock.advance(defaultTiming.infoNoticeMs);
    expect(connection.state.notices.map((n) => n.tone)).toEqual(["error"]);
    expect(connection.state.notices[0]).toMatchObject({
      kind: "refused",
      problem: { code: "bad_request", message: "title is too long" },
    });
    connection.dismissNotice(connection.state.notices[0]?.id as number);
    expect(connection.state.notices).toEqual([]);
  });

  it("removes deleted todos, and neither a late broadcast nor a stale snapshot brings them back", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ todos: [todo(1), todo(2)] });
    connection.deleteTodo(todo(1, { version: 4 }));
    expect(sockets.last.framesOf("deleteTodo")).toEqual([
      { action: "deleteTodo", todoId: todo(1).todoId, version: 4 },
    ]);
    sockets.last.receive({ type: "todoDeleted", todoId: todo(1).todoId });
    sockets.last.receive({ type: "todo", todo: todo(1, { version: 2 }) });
    expect(connection.state.todos.map((t) => t.todoId)).toEqual([todo(2).todoId]);
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive(snapshot({ todos: [todo(1), todo(2), todo(3)] }));
    expect(connection.state.todos.map((t) => t.todoId)).toEqual([todo(2).todoId, todo(3).todoId]);
  });

  it("keeps todos in position order, comparing positions as plain strings", () => {
    const { connection, sockets, goLive } = harness();
    // "Z" < "a" by code unit (a locale compare would say otherwise); creation order says the opposite.
    goLive({ todos: [todo(1, { position: "a0" }), todo(2, { position: "Zz" })] });
    sockets.last.receive({ type: "todo", todo: todo(3, { position: "a0V" }) });
    expect(connection.state.todos.map((t) => t.title)).toEqual(["todo 2", "todo 1", "todo 3"]);
  });

  it("moves a todo when its update carries a new position", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ todos: [todo(1), todo(2), todo(3)] });
    sockets.last.receive({ type: "todo", todo: todo(3, { version: 2, position: "a" }) });
    expect(connection.state.todos.map((t) => t.title)).toEqual(["todo 3", "todo 1", "todo 2"]);
  });

  it("sends moveTodo at the version shown, naming the todo it is to follow", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ todos: [todo(1), todo(2), todo(3, { version: 5 })] });
    expect(connection.moveTodo(todo(3).todoId, "up")).toEqual({ ok: true });
    expect(connection.moveTodo(todo(1).todoId, "up")).toEqual({ ok: false, refusal: "cannotMove" });
    expect(sockets.last.framesOf("moveTodo")).toEqual([
      { action: "moveTodo", todoId: todo(3).todoId, version: 5, after: todo(1).todoId },
    ]);
  });

  it("moves pressed in a row go out one at a time, each at the version and order the last one made", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ todos: [todo(1), todo(2), todo(3)] });
    connection.moveTodo(todo(1).todoId, "down");
    connection.moveTodo(todo(1).todoId, "down");
    connection.moveTodo(todo(1).todoId, "down"); // one too many: dropped once it is last
    expect(sockets.last.framesOf("moveTodo")).toEqual([
      { action: "moveTodo", todoId: todo(1).todoId, version: 1, after: todo(2).todoId },
    ]);
    sockets.last.receive({ type: "todo", todo: todo(1, { version: 2, position: "a0002V" }) });
    expect(sockets.last.framesOf("moveTodo").at(-1)).toEqual({
      action: "moveTodo",
      todoId: todo(1).todoId,
      version: 2,
      after: todo(3).todoId,
    });
    sockets.last.receive({ type: "todo", todo: todo(1, { version: 3, position: "a0004" }) });
    expect(sockets.last.framesOf("moveTodo")).toHaveLength(2);
    expect(connection.state.todos.map((t) => t.title)).toEqual(["todo 2", "todo 3", "todo 1"]);
    // Nothing is waiting any more: the next press goes out at once.
    connection.moveTodo(todo(1).todoId, "up");
    expect(sockets.last.framesOf("moveTodo")).toHaveLength(3);
  });

  it("a move that lost a race lets the next one go out at once, from the server's copy", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ todos: [todo(1), todo(2)] });
    connection.moveTodo(todo(1).todoId, "down");
    const current = todo(1, { version: 4, position: "a0003" });
    sockets.last.receive({
      type: "error",
      code: "conflict",
      message: "stale",
      action: "moveTodo",
      todo: current,
    });
    connection.moveTodo(todo(1).todoId, "up");
    expect(sockets.last.framesOf("moveTodo").at(-1)).toEqual({
      action: "moveTodo",
      todoId: todo(1).todoId,
      version: 4,
      after: null,
    });
  });

  it("sends an assignee change with updateTodo, and nothing when it is already so", () => {
    const { connection, sockets, goLive } = harness();
    const shown = todo(1, { assigneeId: "user-bo" });
    goLive({ todos: [shown] });
    connection.updateTodo(shown, { assigneeId: "user-bo" });
    connection.updateTodo(shown, { assigneeId: null });
    expect(sockets.last.framesOf("updateTodo")).toEqual([
      { action: "updateTodo", todoId: shown.todoId, version: 1, assigneeId: null },
    ]);
  });
});
