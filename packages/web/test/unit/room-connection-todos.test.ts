import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/room-connection";
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
    connection.deleteTodo(todo(1).todoId);
    expect(sockets.last.framesOf("deleteTodo")).toEqual([{ action: "deleteTodo", todoId: todo(1).todoId }]);
    sockets.last.receive({ type: "todoDeleted", todoId: todo(1).todoId });
    sockets.last.receive({ type: "todo", todo: todo(1, { version: 2 }) });
    expect(connection.state.todos.map((t) => t.todoId)).toEqual([todo(2).todoId]);
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive(snapshot({ todos: [todo(1), todo(2), todo(3)] }));
    expect(connection.state.todos.map((t) => t.todoId)).toEqual([todo(2).todoId, todo(3).todoId]);
  });

  it("keeps todos in creation order", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ todos: [todo(3), todo(1)] });
    sockets.last.receive({ type: "todo", todo: todo(2) });
    expect(connection.state.todos.map((t) => t.title)).toEqual(["todo 1", "todo 2", "todo 3"]);
  });
});
