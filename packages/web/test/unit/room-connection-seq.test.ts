import { snapshotParts } from "@rooms/core/snapshot";
import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/connection-timing";
import { member, message, room, snapshot, todo } from "./support/fixtures";
import { harness } from "./support/harness";

const GRACE = defaultTiming.gapSyncDelayMs;
const seqs = (messages: readonly { seq: number }[]) => messages.map((m) => m.seq);

describe("RoomConnection: resuming by seq", () => {
  it("after a reconnect asks for exactly what follows the last seq held: no time overlap, nothing held twice", () => {
    const { sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [message(1), message(2)], room: { ...room, lastSeq: 2 } });
    sockets.last.receive({ type: "message", message: message(3) });
    clock.advance(10); // a message that arrived a moment before the drop is not read again
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    expect(sockets.last.frames).toEqual([{ action: "sync", afterSeq: 3 }]);
  });

  it("resumes from the end of the run without holes, not from the newest seq held", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [message(1), message(2), message(3)] });
    sockets.last.receive({ type: "message", message: message(5) }); // 4 is missing
    expect(connection.state.lastSeq).toBe(3);
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    expect(sockets.last.frames).toEqual([{ action: "sync", afterSeq: 3 }]);
    sockets.last.receive(snapshot({ messages: [message(4), message(5), message(6)] }));
    expect(seqs(connection.state.messages)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(connection.state.lastSeq).toBe(6);
  });

  it("syncs from 0 after a reconnect to a room that was empty", () => {
    const { sockets, clock, goLive } = harness({ random: () => 0 });
    goLive();
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    expect(sockets.last.frames).toEqual([{ action: "sync", afterSeq: 0 }]);
  });

  it("a message beyond a hole leads to exactly one sync for the missing range", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ messages: [message(1), message(2), message(3)], room: { ...room, lastSeq: 3 } });
    const socket = sockets.last;
    socket.receive({ type: "message", message: message(5) });
    // Shown at once, in its place; 4's broadcast may just be late, so wait a moment for it.
    expect(seqs(connection.state.messages)).toEqual([1, 2, 3, 5]);
    clock.advance(GRACE - 1);
    expect(socket.framesOf("sync")).toHaveLength(1); // only the first one, on connect
    clock.advance(1);
    expect(socket.framesOf("sync").slice(1)).toEqual([{ action: "sync", afterSeq: 3 }]);

    // More arrivals beyond the hole while that sync is on its way ask for nothing more.
    socket.receive({ type: "message", message: message(6) });
    socket.receive({ type: "pong", lastSeq: 7 });
    clock.advance(10 * GRACE);
    expect(socket.framesOf("sync")).toHaveLength(2);

    socket.receive(
      snapshot({ messages: [message(4), message(5), message(6), message(7)], room: { ...room, lastSeq: 7 } }),
    );
    expect(seqs(connection.state.messages)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(connection.state.lastSeq).toBe(7);
    expect(connection.state.status).toBe("live");
    clock.advance(10 * GRACE);
    expect(socket.framesOf("sync")).toHaveLength(2);
  });

  it("a hole filled live within the grace period costs no sync", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ messages: [message(1)] });
    sockets.last.receive({ type: "message", message: message(3) });
    sockets.last.receive({ type: "message", message: message(2) });
    clock.advance(10 * GRACE);
    expect(sockets.last.framesOf("sync")).toHaveLength(1);
    expect(connection.state.lastSeq).toBe(3);
  });

  it("keeps syncing the range while hasMore, from the end of each page", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ messages: [message(1)] });
    const socket = sockets.last;
    socket.receive({ type: "message", message: message(9) });
    clock.advance(GRACE);
    socket.receive(snapshot({ messages: [message(2), message(3), message(4)], hasMore: true }));
    expect(socket.framesOf("sync").at(-1)).toEqual({ action: "sync", afterSeq: 4 });
    socket.receive(snapshot({ messages: [message(5), message(6), message(7)], hasMore: true }));
    expect(socket.framesOf("sync").at(-1)).toEqual({ action: "sync", afterSeq: 7 });
    socket.receive(snapshot({ messages: [message(8), message(9)], hasMore: false }));
    expect(socket.framesOf("sync")).toHaveLength(4);
    expect(seqs(connection.state.messages)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    clock.advance(10 * GRACE);
    expect(socket.framesOf("sync")).toHaveLength(4);
  });

  it("a gap sync that brings nothing does not repeat until a newer seq shows up", () => {
    const { sockets, clock, goLive } = harness();
    goLive({ messages: [message(1)] });
    const socket = sockets.last;
    socket.receive({ type: "message", message: message(3) });
    clock.advance(GRACE);
    socket.receive(snapshot({ messages: [] })); // a server in trouble: 2 never comes
    clock.advance(100 * GRACE);
    expect(socket.framesOf("sync")).toHaveLength(2);
    socket.receive({ type: "message", message: message(4) });
    clock.advance(GRACE);
    expect(socket.framesOf("sync")).toHaveLength(3);
    expect(socket.framesOf("sync").at(-1)).toEqual({ action: "sync", afterSeq: 1 });
  });

  it("a pong naming a newer seq than ours leads to a sync; an equal (or older) one does not", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ messages: [message(1), message(2)], room: { ...room, lastSeq: 2 } });
    const socket = sockets.last;
    clock.advance(defaultTiming.pingEveryMs);
    socket.receive({ type: "pong", lastSeq: 2 });
    socket.receive({ type: "pong", lastSeq: 1 });
    clock.advance(10 * GRACE);
    expect(socket.framesOf("sync")).toHaveLength(1);

    socket.receive({ type: "pong", lastSeq: 4 });
    clock.advance(GRACE);
    expect(socket.framesOf("sync").slice(1)).toEqual([{ action: "sync", afterSeq: 2 }]);
    socket.receive(snapshot({ messages: [message(3), message(4)], room: { ...room, lastSeq: 4 } }));
    expect(connection.state.lastSeq).toBe(4);
    clock.advance(10 * GRACE);
    expect(socket.framesOf("sync")).toHaveLength(2);
  });

  it("a message that passed it by just after its snapshot is synced after the join check's pong", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ messages: [message(1)], room: { ...room, lastSeq: 1 } });
    const socket = sockets.last;
    clock.advance(defaultTiming.joinCheckAfterMs);
    expect(socket.framesOf("ping")).toHaveLength(1);
    socket.receive({ type: "pong", lastSeq: 2 });
    clock.advance(GRACE);
    expect(socket.framesOf("sync").slice(1)).toEqual([{ action: "sync", afterSeq: 1 }]);
    socket.receive(snapshot({ messages: [message(2)], room: { ...room, lastSeq: 2 } }));
    expect(seqs(connection.state.messages)).toEqual([1, 2]);
  });

  it("a snapshot whose room is ahead of its newest page syncs the rest", () => {
    const { sockets, clock, goLive } = harness();
    goLive({ messages: [message(1), message(2)], room: { ...room, lastSeq: 3 } });
    clock.advance(GRACE);
    expect(sockets.last.framesOf("sync").at(-1)).toEqual({ action: "sync", afterSeq: 2 });
  });

  it("keeps each seq once: a second message with a seq already held is dropped, as is a repeated messageId", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ messages: [message(1), message(2)] });
    sockets.last.receive({
      type: "message",
      message: message(2, { messageId: "other-id", text: "impostor" }),
    });
    sockets.last.receive({ type: "message", message: message(1, { seq: 3 }) });
    expect(connection.state.messages.map((m) => m.text)).toEqual(["message 1", "message 2"]);
  });

  it("older history pages by seq and leaves the resume point alone", async () => {
    const calls: number[] = [];
    const { connection, goLive } = harness({
      fetchOlder: async ({ before }) => {
        calls.push(before);
        return { messages: [message(9), message(10)], cursor: 9 };
      },
    });
    goLive({ messages: [message(11), message(12)], hasMore: true });
    await connection.loadOlder();
    expect(calls).toEqual([11]);
    expect(connection.state.older.cursor).toBe(9);
    expect(connection.state.lastSeq).toBe(12);
  });
});

describe("RoomConnection: snapshots in parts", () => {
  it("joins the parts of the first snapshot and is live only after the last one", () => {
    const { connection, sockets } = harness();
    connection.start();
    sockets.last.accept();
    sockets.last.receive({
      ...snapshot({
        messages: [message(1), message(2)],
        todos: [todo(1)],
        members: [member(1)],
        hasMore: true,
      }),
      part: 1,
      last: false,
    });
    expect(connection.state.status).toBe("connecting");
    expect(connection.state.messages).toEqual([]);
    sockets.last.receive({
      type: "snapshot",
      part: 2,
      last: false,
      messages: [message(3)],
      todos: [todo(2)],
    } as never);
    sockets.last.receive({
      type: "snapshot",
      part: 3,
      last: true,
      messages: [message(4)],
      members: [member(2)],
      hasMore: true,
      readSeq: 2,
    } as never);
    expect(connection.state.status).toBe("live");
    expect(seqs(connection.state.messages)).toEqual([1, 2, 3, 4]);
    expect(connection.state.todos.map((t) => t.todoId)).toEqual([todo(1).todoId, todo(2).todoId]);
    expect(connection.state.members.map((m) => m.memberId)).toEqual(["m1", "m2"]);
    expect(connection.state.room).toEqual(room);
    expect(connection.state.readSeq).toBe(2);
    // hasMore of the whole newest page: older history starts at its oldest message.
    expect(connection.state.older.cursor).toBe(1);
    expect(sockets.last.framesOf("sync")).toHaveLength(1);
  });

  it("a catch-up in parts with more behind it continues from the end of the joined page", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [message(1)] });
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive({ ...snapshot({ messages: [message(2), message(3)] }), part: 1, last: false });
    sockets.last.receive({ ...snapshot({ messages: [message(4)], hasMore: true }), part: 2, last: true });
    expect(sockets.last.framesOf("sync")).toEqual([
      { action: "sync", afterSeq: 1 },
      { action: "sync", afterSeq: 4 },
    ]);
    expect(connection.state.status).toBe("reconnecting");
    sockets.last.receive(snapshot({ messages: [message(5)] }));
    expect(connection.state.status).toBe("live");
    expect(seqs(connection.state.messages)).toEqual([1, 2, 3, 4, 5]);
  });

  it("reads the parts exactly as @rooms/core cuts a snapshot over 128 KB", () => {
    const big = "x".repeat(3_900);
    const whole = snapshot({
      messages: Array.from({ length: 50 }, (_, i) => message(i + 1, { text: `${i + 1} ${big}` })),
      todos: Array.from({ length: 300 }, (_, i) =>
        todo(i + 1, { title: `todo ${i + 1} ${"y".repeat(180)}` }),
      ),
      members: [member(1), member(2)],
      hasMore: true,
      readSeq: 40,
      reads: [{ userId: "user-2", seq: 45 }],
    });
    const { type: _type, ...content } = whole;
    const frames = snapshotParts(content);
    expect(frames.length).toBeGreaterThan(2);
    const { connection, sockets } = harness();
    connection.start();
    sockets.last.accept();
    for (const frame of frames) sockets.last.receive(frame);
    expect(connection.state.status).toBe("live");
    expect(seqs(connection.state.messages)).toEqual(whole.messages.map((m) => m.seq));
    expect(connection.state.todos).toHaveLength(300);
    expect(connection.state.members.map((m) => m.memberId)).toEqual(["m1", "m2"]);
    expect(connection.state.reads).toEqual([{ userId: "user-2", seq: 45 }]);
    expect(connection.state.unreadAfter).toBe(40);
    expect(connection.state.older.cursor).toBe(1);
  });

  it("forgets the parts of a snapshot cut off by a drop", () => {
    const { connection, sockets, clock } = harness({ random: () => 0 });
    connection.start();
    sockets.last.accept();
    sockets.last.receive({ ...snapshot({ todos: [todo(1)] }), part: 1, last: false });
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive({ ...snapshot({ todos: [todo(2)] }), part: 1, last: false });
    sockets.last.receive({ type: "snapshot", part: 2, last: true } as never);
    expect(connection.state.todos.map((t) => t.todoId)).toEqual([todo(2).todoId]);
    expect(connection.state.status).toBe("live");
  });
});
