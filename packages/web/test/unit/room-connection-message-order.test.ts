import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/connection-timing";
import { ANA, message, snapshot } from "./support/fixtures";
import { harness } from "./support/harness";

const mine = (n: number, clientMessageId: string) =>
  message(n, { clientMessageId, authorId: ANA, author: "Ana", text: `mine ${n}` });

/**
 * The server handles a connection's frames concurrently, so two sendMessage frames on the wire at once may be
 * stored in either order: the connection keeps one on the wire at a time.
 */
describe("RoomConnection: one message on the wire at a time", () => {
  it("sends messages typed quickly one after another, each once the server stored the one before", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    for (const text of ["one", "two", "three"]) connection.sendMessage(text);
    const sent = () => sockets.last.framesOf("sendMessage").map((f) => f.text);
    expect(sent()).toEqual(["one"]);
    expect(connection.state.pending.map((p) => p.state)).toEqual(["sending", "queued", "queued"]);

    // Someone else's message is no answer.
    sockets.last.receive({ type: "message", message: message(1) });
    expect(sent()).toEqual(["one"]);

    sockets.last.receive({ type: "message", message: mine(2, "c1") });
    expect(sent()).toEqual(["one", "two"]);
    sockets.last.receive({ type: "message", message: mine(3, "c2") });
    expect(sent()).toEqual(["one", "two", "three"]);
    sockets.last.receive({ type: "message", message: mine(4, "c3") });
    expect(connection.state.pending).toEqual([]);
    expect(connection.state.messages.map((m) => m.clientMessageId)).toEqual(["other-1", "c1", "c2", "c3"]);
  });

  it("a refused message lets the next one go, and is shown failed", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    connection.sendMessage("one");
    connection.sendMessage("two");
    sockets.last.receive({
      type: "error",
      code: "bad_request",
      message: "no",
      action: "sendMessage",
      clientMessageId: "c1",
    });
    expect(sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c1", "c2"]);
    expect(connection.state.pending.map((p) => p.state)).toEqual(["failed", "sending"]);
  });

  it("a message whose copy does not come back in time stops holding up the next", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.sendMessage("one");
    connection.sendMessage("two");
    clock.advance(defaultTiming.sendTimeoutMs - 1);
    expect(sockets.last.framesOf("sendMessage")).toHaveLength(1);
    clock.advance(1);
    expect(sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c1", "c2"]);
    expect(connection.state.pending.map((p) => p.state)).toEqual(["failed", "sending"]);
  });

  it("after a drop, everything unconfirmed goes out again on the next socket in the order written", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive();
    connection.sendMessage("one");
    connection.sendMessage("two");
    sockets.last.drop();
    connection.sendMessage("three");
    expect(connection.state.pending.map((p) => p.state)).toEqual(["queued", "queued", "queued"]);

    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive(snapshot());
    const sent = () => sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId);
    expect(sent()).toEqual(["c1"]);
    sockets.last.receive({ type: "message", message: mine(1, "c1") });
    expect(sent()).toEqual(["c1", "c2"]);
    sockets.last.receive({ type: "message", message: mine(2, "c2") });
    expect(sent()).toEqual(["c1", "c2", "c3"]);
  });

  it("a retried message waits for the one on the wire", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.sendMessage("slow");
    clock.advance(defaultTiming.sendTimeoutMs);
    connection.sendMessage("next");
    connection.retryMessage("c1");
    expect(sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c1", "c2"]);
    expect(connection.state.pending.map((p) => p.state)).toEqual(["queued", "sending"]);
    sockets.last.receive({ type: "message", message: mine(1, "c2") });
    expect(sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c1", "c2", "c1"]);
  });
});
