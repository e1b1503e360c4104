import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/connection-timing";
import { ANA, message, snapshot } from "./support/fixtures";
import { harness } from "./support/harness";

const mine = (n: number, clientMessageId: string) =>
  message(n, { clientMessageId, authorId: ANA, author: "Ana", text: `mine ${n}` });

describe("RoomConnection: messages", () => {
  it("keeps each seq once, whether it comes from a broadcast, a snapshot or a history page", async () => {
    const { connection, sockets, clock, goLive } = harness({
      random: () => 0,
      fetchOlder: async () => ({ messages: [message(1), message(2)], cursor: null }),
    });
    goLive({ messages: [message(2), message(3)], hasMore: true });
    sockets.last.receive({ type: "message", message: message(4) });
    sockets.last.receive({ type: "message", message: message(4) });
    sockets.last.receive({ type: "message", message: message(3) });
    await connection.loadOlder();
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive(snapshot({ messages: [message(4), message(5)] }));
    expect(connection.state.messages.map((m) => m.text)).toEqual([1, 2, 3, 4, 5].map((n) => `message ${n}`));
  });

  it("does not even re-render for a duplicate", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ messages: [message(1)] });
    const before = connection.state.messages;
    sockets.last.receive({ type: "message", message: message(1) });
    expect(connection.state.messages).toBe(before);
  });

  it("orders messages by seq even when broadcasts arrive out of order", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    for (const n of [3, 1, 2]) sockets.last.receive({ type: "message", message: message(n) });
    expect(connection.state.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(connection.state.lastSeq).toBe(3);
  });

  it("shows a sent message at once as pending, then as sent when the server's copy returns", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    expect(connection.sendMessage("hello")).toEqual({ ok: true });
    expect(connection.state.pending).toMatchObject([
      { clientMessageId: "c1", text: "hello", author: "Ana", state: "sending" },
    ]);
    expect(sockets.last.framesOf("sendMessage")).toEqual([
      { action: "sendMessage", text: "hello", clientMessageId: "c1" },
    ]);

    // Someone else's message with an unrelated clientMessageId settles nothing.
    sockets.last.receive({ type: "message", message: message(1) });
    expect(connection.state.pending).toHaveLength(1);

    sockets.last.receive({ type: "message", message: mine(2, "c1") });
    sockets.last.receive({ type: "message", message: mine(2, "c1") });
    expect(connection.state.pending).toEqual([]);
    expect(connection.state.messages.filter((m) => m.clientMessageId === "c1")).toHaveLength(1);
  });

  it("refuses blank and over-long messages without sending", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    expect(connection.sendMessage("   ").ok).toBe(false);
    expect(connection.sendMessage("x".repeat(4001)).ok).toBe(false);
    expect(connection.sendMessage("x".repeat(4000)).ok).toBe(true);
    expect(sockets.last.framesOf("sendMessage")).toHaveLength(1);
  });

  it("queues messages written while not live and sends them once the room is live", () => {
    const { connection, sockets } = harness();
    connection.start();
    connection.sendMessage("early");
    expect(connection.state.pending[0]?.state).toBe("queued");
    sockets.last.accept();
    expect(sockets.last.framesOf("sendMessage")).toEqual([]); // not before the snapshot
    sockets.last.receive(snapshot());
    expect(sockets.last.framesOf("sendMessage")).toEqual([
      { action: "sendMessage", text: "early", clientMessageId: "c1" },
    ]);
    expect(connection.state.pending[0]?.state).toBe("sending");
  });

  it("resends pending messages after a reconnect with the same clientMessageId, except those the snapshot confirms", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [message(1)] });
    connection.sendMessage("landed before the drop");
    connection.sendMessage("lost in the drop");
    const first = sockets.last;
    first.drop();
    expect(connection.state.pending.map((p) => p.state)).toEqual(["queued", "queued"]);
    connection.sendMessage("written while away");

    clock.advance(0);
    const second = sockets.last;
    second.accept();
    expect(second.frames).toEqual([{ action: "sync", afterSeq: 1 }]);
    second.receive(snapshot({ messages: [mine(2, "c1")] }));
    // In the order written, one at a time: the next goes once the server has stored the one before.
    expect(second.framesOf("sendMessage")).toEqual([
      { action: "sendMessage", text: "lost in the drop", clientMessageId: "c2" },
    ]);
    second.receive({ type: "message", message: mine(3, "c2") });
    expect(second.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c2", "c3"]);
    second.receive({ type: "message", message: mine(4, "c3") });
    expect(connection.state.pending).toEqual([]);
    expect(connection.state.messages.map((m) => m.clientMessageId)).toEqual(["other-1", "c1", "c2", "c3"]);
  });

  it("marks a message failed when no copy returns in time; a retry reuses its clientMessageId", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.sendMessage("slow");
    clock.advance(defaultTiming.sendTimeoutMs - 1);
    expect(connection.state.pending[0]?.state).toBe("sending");
    clock.advance(1);
    expect(connection.state.pending[0]?.state).toBe("failed");

    connection.retryMessage("c1");
    expect(connection.state.pending[0]?.state).toBe("sending");
    expect(sockets.last.framesOf("sendMessage").map((f) => f.clientMessageId)).toEqual(["c1", "c1"]);

    // The server stored it once and answers each send with the same message: shown once.
    sockets.last.receive({ type: "message", message: mine(7, "c1") });
    sockets.last.receive({ type: "message", message: mine(7, "c1") });
    expect(connection.state.pending).toEqual([]);
    expect(connection.state.messages).toHaveLength(1);
  });

  it("a failed message whose copy turns up late is settled, not duplicated", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.sendMessage("late");
    clock.advance(defaultTiming.sendTimeoutMs);
    expect(connection.state.pending[0]?.state).toBe("failed");
    sockets.last.receive({ type: "message", message: mine(1, "c1") });
    expect(connection.state.pending).toEqual([]);
    expect(connection.state.messages).toHaveLength(1);
  });

  it("marks messages on the wire failed when the server refuses a sendMessage, and keeps the server's reason", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    connection.sendMessage("one");
    sockets.last.receive({
      type: "error",
      code: "internal",
      message: "Internal error",
      action: "sendMessage",
    });
    expect(connection.state.pending[0]?.state).toBe("failed");
    expect(connection.state.notices.at(-1)).toMatchObject({
      tone: "error",
      kind: "refused",
      problem: { code: "internal" },
    });
  });

  it("discarding a failed message removes it", () => {
    const { connection, clock, goLive } = harness();
    goLive();
    connection.sendMessage("never mind");
    clock.advance(defaultTiming.sendTimeoutMs);
    connection.discardMessage("c1");
    expect(connection.state.pending).toEqual([]);
  });
});

describe("RoomConnection: older history", () => {
  it("loads the page before the oldest message and follows the server's cursor", async () => {
    const calls: { roomId: string; before: number }[] = [];
    const { connection, goLive } = harness({
      fetchOlder: async (input) => {
        calls.push(input);
        return calls.length === 1
          ? { messages: [message(3), message(4)], cursor: 3 }
          : { messages: [message(1), message(2)], cursor: null };
      },
    });
    goLive({ messages: [message(5), message(6)], hasMore: true });
    await connection.loadOlder();
    await connection.loadOlder();
    await connection.loadOlder(); // nothing older: no call
    expect(calls.map((c) => c.before)).toEqual([5, 3]);
    expect(connection.state.messages.map((m) => m.text)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => `message ${n}`),
    );
    expect(connection.state.older).toEqual({ cursor: null, loading: false, error: null });
  });

  it("keeps a failure (as a code, for the view to word) and the cursor for another try", async () => {
    const { connection, goLive } = harness({
      fetchOlder: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    goLive({ messages: [message(5)], hasMore: true });
    await connection.loadOlder();
    expect(connection.state.older.cursor).toBe(5);
    expect(connection.state.older.error).toEqual({ code: "unexpected" });
  });
});
