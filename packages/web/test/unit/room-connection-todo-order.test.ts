import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/connection-timing";
import { snapshot, todo } from "./support/fixtures";
import { harness } from "./support/harness";

/** The server's copy of an add: the new todo, with the clientTodoId of the add it answers. */
const stored = (n: number, title: string, clientTodoId: string) => ({
  type: "todo" as const,
  todo: todo(n, { title }),
  clientTodoId,
});
const addTitles = (frames: { title: string }[]) => frames.map((f) => f.title);

describe("RoomConnection: todo order", () => {
  it("sends todo adds one at a time, in the order made: the next when the last one's todo comes back", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    expect(connection.addTodo("Book train tickets")).toEqual({ ok: true });
    expect(connection.addTodo("Pack sandwiches")).toEqual({ ok: true });
    connection.addTodo("Maps");
    expect(addTitles(sockets.last.framesOf("addTodo"))).toEqual(["Book train tickets"]);
    // Someone else's new todo is not the answer.
    sockets.last.receive(stored(7, "Water bottles", "someone-else"));
    expect(sockets.last.framesOf("addTodo")).toHaveLength(1);
    sockets.last.receive(stored(8, "Book train tickets", "c1"));
    expect(sockets.last.framesOf("addTodo")).toEqual([
      { action: "addTodo", title: "Book train tickets", clientTodoId: "c1" },
      { action: "addTodo", title: "Pack sandwiches", clientTodoId: "c2" },
    ]);
    sockets.last.receive(stored(9, "Pack sandwiches", "c2"));
    expect(addTitles(sockets.last.framesOf("addTodo"))).toEqual([
      "Book train tickets",
      "Pack sandwiches",
      "Maps",
    ]);
    // Nothing on the wire any more: the next add goes at once.
    sockets.last.receive(stored(10, "Maps", "c3"));
    connection.addTodo("Snacks");
    expect(sockets.last.framesOf("addTodo")).toHaveLength(4);
  });

  it("a refused add lets the next one go, and the refusal is shown", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    connection.addTodo("one");
    connection.addTodo("two");
    sockets.last.receive({
      type: "error",
      code: "limit_reached",
      message: "500 todos",
      action: "addTodo",
      clientTodoId: "c1",
    });
    expect(addTitles(sockets.last.framesOf("addTodo"))).toEqual(["one", "two"]);
    expect(connection.state.notices.map((n) => n.kind)).toEqual(["refused"]);
  });

  it("after a drop, the add on the wire is not sent again; the queued ones go on the next socket, in order", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive();
    connection.addTodo("one");
    connection.addTodo("two");
    connection.addTodo("three");
    const first = sockets.last;
    first.drop();
    clock.advance(0);
    const second = sockets.last;
    expect(second).not.toBe(first);
    second.accept();
    expect(second.framesOf("addTodo")).toEqual([]);
    second.receive(snapshot({ todos: [todo(1, { title: "one" })] }));
    expect(addTitles(second.framesOf("addTodo"))).toEqual(["two"]);
    second.receive(stored(2, "two", "c2"));
    expect(second.framesOf("addTodo")).toEqual([
      { action: "addTodo", title: "two", clientTodoId: "c2" },
      { action: "addTodo", title: "three", clientTodoId: "c3" },
    ]);
    expect(addTitles(first.framesOf("addTodo"))).toEqual(["one"]);
  });

  it("an add refused as rate_limited goes again after the wait, ahead of the adds made after it", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.addTodo("one");
    connection.addTodo("two");
    sockets.last.receive({
      type: "error",
      code: "rate_limited",
      message: "slow down",
      action: "addTodo",
      clientTodoId: "c1",
      retryAfterMs: 1_000,
    });
    clock.advance(999);
    expect(addTitles(sockets.last.framesOf("addTodo"))).toEqual(["one"]);
    clock.advance(1);
    expect(sockets.last.framesOf("addTodo")).toEqual([
      { action: "addTodo", title: "one", clientTodoId: "c1" },
      { action: "addTodo", title: "one", clientTodoId: "c1" },
    ]);
    sockets.last.receive(stored(1, "one", "c1"));
    expect(addTitles(sockets.last.framesOf("addTodo"))).toEqual(["one", "one", "two"]);
    expect(connection.state.notices.map((n) => n.kind)).toEqual(["slowedDown"]);
  });

  it("an add whose answer never comes holds up the next one for sendTimeoutMs at most", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.addTodo("one");
    connection.addTodo("two");
    clock.advance(defaultTiming.sendTimeoutMs - 1);
    expect(addTitles(sockets.last.framesOf("addTodo"))).toEqual(["one"]);
    clock.advance(1);
    expect(addTitles(sockets.last.framesOf("addTodo"))).toEqual(["one", "two"]);
    // A late answer to the first is just a todo; it does not count as the second's.
    sockets.last.receive(stored(1, "one", "c1"));
    connection.addTodo("three");
    expect(addTitles(sockets.last.framesOf("addTodo"))).toEqual(["one", "two"]);
  });

  it("a drop sends moveTodo after the todo it now follows (null: first); dropped in place, nothing", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ todos: [todo(1), todo(2), todo(3, { version: 2 })] });
    expect(connection.moveTodo(todo(3).todoId, { after: null })).toEqual({ ok: true });
    expect(connection.moveTodo(todo(2).todoId, { after: todo(1).todoId })).toEqual({ ok: true });
    expect(connection.moveTodo(todo(2).todoId, { after: todo(2).todoId })).toEqual({
      ok: false,
      refusal: "cannotMove",
    });
    expect(sockets.last.framesOf("moveTodo")).toEqual([
      { action: "moveTodo", todoId: todo(3).todoId, version: 2, after: null },
    ]);
    sockets.last.receive({ type: "todo", todo: todo(3, { version: 3, position: "a" }) });
    expect(connection.state.todos.map((t) => t.title)).toEqual(["todo 3", "todo 1", "todo 2"]);
    // Nothing waits behind a drop that sent nothing: the next move of that todo goes at once.
    connection.moveTodo(todo(2).todoId, { after: null });
    expect(sockets.last.framesOf("moveTodo").at(-1)).toEqual({
      action: "moveTodo",
      todoId: todo(2).todoId,
      version: 1,
      after: null,
    });
  });

  it("a drop made while a move of the same todo is on its way goes once that move is back", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ todos: [todo(1), todo(2), todo(3)] });
    connection.moveTodo(todo(1).todoId, "down");
    connection.moveTodo(todo(1).todoId, { after: todo(3).todoId });
    expect(sockets.last.framesOf("moveTodo")).toHaveLength(1);
    sockets.last.receive({ type: "todo", todo: todo(1, { version: 2, position: "a0002V" }) });
    expect(sockets.last.framesOf("moveTodo").at(-1)).toEqual({
      action: "moveTodo",
      todoId: todo(1).todoId,
      version: 2,
      after: todo(3).todoId,
    });
  });
});
