import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/network/api-error";
import { defaultTiming } from "../../src/network/connection-timing";
import { ANA, message, snapshot, todo } from "./support/fixtures";
import { harness } from "./support/harness";

const MINUTE = 60_000;
const rateLimited = (action: string, extra: Record<string, unknown> = {}) =>
  ({ type: "error", code: "rate_limited", message: "slow down", action, ...extra }) as const;

/** A refusal is a refusal: no reconnect loop, and a `rate_limited` wait is waited out, not failed or ignored. */
describe("RoomConnection: refusals", () => {
  it("a sync refused as too_large ends the connection: no new ticket, no new socket, ever", () => {
    const { connection, sockets, clock, ticketRequests } = harness({ random: () => 0 });
    connection.start();
    sockets.last.accept();
    sockets.last.receive({ type: "error", code: "too_large", message: "room too big", action: "sync" });
    expect(connection.state).toMatchObject({ status: "closed", ended: "too_large", retryAt: null });
    clock.advance(60 * MINUTE);
    connection.reconnectNow();
    expect(ticketRequests).toHaveLength(1);
    expect(sockets.all).toHaveLength(1);
    expect(clock.timerCount).toBe(0);
  });

  it("a sync refused as rate_limited is asked again on the same socket after retryAfterMs, not at once", () => {
    const { connection, sockets, clock, ticketRequests } = harness({ random: () => 0 });
    connection.start();
    sockets.last.accept();
    sockets.last.receive(rateLimited("sync", { retryAfterMs: 4_000 }));
    clock.advance(3_999);
    expect(sockets.last.framesOf("sync")).toHaveLength(1);
    clock.advance(1);
    expect(sockets.last.framesOf("sync")).toEqual([{ action: "sync" }, { action: "sync" }]);
    sockets.last.receive(snapshot({ messages: [message(1)] }));
    expect(connection.state.status).toBe("live");
    expect(ticketRequests).toHaveLength(1);
    expect(sockets.all).toHaveLength(1);
  });

  it("a ticket refused with limit_reached (room full) ends the connection as room_full, without retrying", () => {
    const { connection, sockets, clock, ticketRequests } = harness({
      random: () => 0,
      ticket: () => new ApiError({ code: "limit_reached", message: "room full", status: 403 }),
    });
    connection.start();
    expect(connection.state).toMatchObject({ status: "closed", ended: "room_full" });
    clock.advance(60 * MINUTE);
    expect(ticketRequests).toHaveLength(1);
    expect(sockets.all).toHaveLength(0);
  });

  it("handshakes refused again and again (a full room: 403, which a browser cannot see) end as refused", () => {
    const { connection, sockets, clock, ticketRequests } = harness({ random: () => 0 });
    connection.start();
    for (let i = 0; i < defaultTiming.maxRefusedHandshakes; i++) {
      sockets.last.drop(1006); // closed before it opened
      clock.advance(0);
    }
    expect(connection.state).toMatchObject({ status: "closed", ended: "refused" });
    const asked = ticketRequests.length;
    expect(asked).toBe(defaultTiming.maxRefusedHandshakes);
    clock.advance(60 * MINUTE);
    expect(ticketRequests).toHaveLength(asked);
    expect(clock.timerCount).toBe(0);
  });

  it("a socket that opened resets the count of refused handshakes", () => {
    const { connection, sockets, clock } = harness({ random: () => 0 });
    connection.start();
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i < defaultTiming.maxRefusedHandshakes; i++) {
        sockets.last.drop(1006);
        clock.advance(0);
      }
      sockets.last.accept();
      sockets.last.receive(snapshot());
      sockets.last.drop(1006);
      clock.advance(0);
    }
    expect(connection.state.status).not.toBe("closed");
  });

  it("after an end that may pass, retry() connects again with a fresh ticket", () => {
    const { connection, sockets, ticketRequests } = harness({
      ticket: (n) =>
        n === 1 ? new ApiError({ code: "limit_reached", message: "full", status: 403 }) : `ticket-${n}`,
    });
    connection.start();
    expect(connection.state.ended).toBe("room_full");
    connection.retry();
    expect(connection.state).toMatchObject({ status: "connecting", ended: null });
    sockets.last.accept();
    sockets.last.receive(snapshot());
    expect(connection.state.status).toBe("live");
    expect(ticketRequests).toHaveLength(2);
  });

  it("a message refused as rate_limited waits retryAfterMs and is then sent again with the same clientMessageId", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.sendMessage("one");
    sockets.last.receive(rateLimited("sendMessage", { clientMessageId: "c1", retryAfterMs: 2_000 }));
    expect(connection.state.pending.map((p) => p.state)).toEqual(["queued"]);
    // Sent meanwhile: held too, so the server is not asked again before the wait ends.
    connection.sendMessage("two");
    clock.advance(1_999);
    expect(sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c1"]);
    clock.advance(1);
    // One message on the wire at a time: "two" follows once the server has stored "one".
    expect(sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c1", "c1"]);
    expect(connection.state.pending.map((p) => p.state)).toEqual(["sending", "queued"]);
    sockets.last.receive({
      type: "message",
      message: message(1, { clientMessageId: "c1", authorId: ANA, author: "Ana", text: "one" }),
    });
    expect(sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c1", "c1", "c2"]);
    expect(connection.state.pending.map((p) => p.state)).toEqual(["sending"]);
    expect(connection.state.status).toBe("live");
    expect(sockets.all).toHaveLength(1);
  });

  it("an addTodo refused as rate_limited is sent again after the wait; todo commands made meanwhile follow it", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ todos: [todo(1)] });
    connection.addTodo("milk");
    sockets.last.receive(rateLimited("addTodo", { clientTodoId: "c1", retryAfterMs: 1_000 }));
    expect(connection.updateTodo(todo(1), { done: true })).toEqual({ ok: true });
    expect(sockets.last.frames.filter((f) => f.action !== "sync")).toHaveLength(1);
    clock.advance(1_000);
    expect(sockets.last.frames.filter((f) => f.action !== "sync")).toEqual([
      { action: "addTodo", title: "milk", clientTodoId: "c1" },
      { action: "addTodo", title: "milk", clientTodoId: "c1" },
      { action: "updateTodo", todoId: todo(1).todoId, version: 1, done: true },
    ]);
    expect(connection.state.notices.map((n) => n.kind)).toEqual(["slowedDown"]);
  });

  it("a refused frame of any kind (too_large, limit_reached, rate_limited) never drops the socket", () => {
    const { connection, sockets, clock, goLive, ticketRequests } = harness();
    goLive();
    connection.sendMessage("big");
    sockets.last.receive({
      type: "error",
      code: "too_large",
      message: "big",
      action: "sendMessage",
      clientMessageId: "c1",
    });
    connection.addTodo("one more");
    sockets.last.receive({
      type: "error",
      code: "limit_reached",
      message: "500 todos",
      action: "addTodo",
      clientTodoId: "c2",
    });
    connection.deleteTodo(todo(1));
    sockets.last.receive(rateLimited("deleteTodo", { retryAfterMs: 500 }));
    clock.advance(MINUTE);
    expect(connection.state.status).toBe("live");
    expect(sockets.all).toHaveLength(1);
    expect(ticketRequests).toHaveLength(1);
    expect(connection.state.notices.map((n) => n.kind)).toEqual(["refused", "refused", "refused"]);
  });
});
