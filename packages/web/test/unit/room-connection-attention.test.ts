import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/connection-timing";
import { ANA, BO, member, message, snapshot } from "./support/fixtures";
import { harness } from "./support/harness";

const READ_DELAY = defaultTiming.markReadDelayMs;
const mine = (n: number) => message(n, { authorId: ANA, author: "Ana", clientMessageId: `c-${n}` });
const ana = (n: number) => member(n, "Ana", ANA);
const bo = (n: number) => member(n, "Bo", BO);
const cleo = (n: number) => member(n, "Cleo", "user-cleo");

describe("RoomConnection: where I stopped reading", () => {
  it("remembers the read position of the first snapshot for the divider, however it moves later", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [1, 2, 3, 4, 5].map((n) => message(n)), readSeq: 2 });
    expect(connection.state.unreadAfter).toBe(2);
    expect(connection.state.readSeq).toBe(2);
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive(snapshot({ readSeq: 5 }));
    expect(connection.state.readSeq).toBe(5);
    expect(connection.state.unreadAfter).toBe(2);
  });

  it("has no divider when nothing was unread on opening (nor for my own messages), even as new ones arrive", () => {
    const read = harness();
    read.goLive({ messages: [message(1), message(2)], readSeq: 2 });
    read.sockets.last.receive({ type: "message", message: message(3) });
    expect(read.connection.state.unreadAfter).toBeNull();

    const own = harness();
    own.goLive({ messages: [message(1), mine(2)], readSeq: 1 });
    expect(own.connection.state.unreadAfter).toBeNull();
  });
});

describe("RoomConnection: markRead", () => {
  it("sends the newest seen seq at most once per delay, and only forward", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ messages: [1, 2, 3, 4, 5].map((n) => message(n)), readSeq: 1 });
    connection.markRead(3);
    connection.markRead(4);
    clock.advance(READ_DELAY / 2);
    connection.markRead(5);
    expect(sockets.last.framesOf("markRead")).toEqual([]);
    clock.advance(READ_DELAY / 2);
    expect(sockets.last.framesOf("markRead")).toEqual([{ action: "markRead", seq: 5 }]);
    expect(connection.state.readSeq).toBe(5);

    connection.markRead(4);
    connection.markRead(5);
    clock.advance(10 * READ_DELAY);
    expect(sockets.last.framesOf("markRead")).toHaveLength(1);

    sockets.last.receive({ type: "message", message: message(6) });
    connection.markRead(6);
    clock.advance(READ_DELAY);
    expect(sockets.last.framesOf("markRead")).toEqual([
      { action: "markRead", seq: 5 },
      { action: "markRead", seq: 6 },
    ]);
  });

  it("sends nothing for what the server already counts as read: the snapshot's position and my own messages", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive({ messages: [message(1), message(2)], readSeq: 2 });
    connection.markRead(2);
    sockets.last.receive({ type: "message", message: mine(3) });
    expect(connection.state.readSeq).toBe(3);
    connection.markRead(3);
    clock.advance(10 * READ_DELAY);
    expect(sockets.last.framesOf("markRead")).toEqual([]);
  });

  it("holds a read position seen while offline until the room is live again", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0.999 });
    goLive({ messages: [message(1), message(2)], readSeq: 1 });
    sockets.last.drop();
    connection.markRead(2);
    clock.advance(READ_DELAY);
    clock.advance(defaultTiming.backoff.baseDelayMs);
    sockets.last.accept();
    expect(sockets.last.framesOf("markRead")).toEqual([]);
    sockets.last.receive(snapshot());
    expect(sockets.last.framesOf("markRead")).toEqual([{ action: "markRead", seq: 2 }]);
  });

  it("leaving the room right after reading still reports it", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ messages: [message(1), message(2)], readSeq: 1 });
    connection.markRead(2);
    const socket = sockets.last;
    connection.stop();
    expect(socket.framesOf("markRead")).toEqual([{ action: "markRead", seq: 2 }]);
    expect(socket.closedWith?.code).toBe(1000);
  });
});

describe("RoomConnection: the others' read positions", () => {
  it("starts from the snapshot's reads (never mine) and moves each forward with read frames", () => {
    const { connection, sockets, goLive } = harness();
    goLive({
      messages: [1, 2, 3].map((n) => message(n)),
      reads: [
        { userId: BO, seq: 2 },
        { userId: ANA, seq: 3 },
      ],
    });
    expect(connection.state.reads).toEqual([{ userId: BO, seq: 2 }]);
    sockets.last.receive({ type: "read", userId: BO, seq: 3 });
    sockets.last.receive({ type: "read", userId: BO, seq: 1 });
    sockets.last.receive({ type: "read", userId: "user-cleo", seq: 3 });
    expect(connection.state.reads).toEqual([
      { userId: BO, seq: 3 },
      { userId: "user-cleo", seq: 3 },
    ]);
    // My own position moved in another tab.
    sockets.last.receive({ type: "read", userId: ANA, seq: 3 });
    expect(connection.state.readSeq).toBe(3);
    expect(connection.state.reads.map((r) => r.userId)).not.toContain(ANA);
  });
});

describe("RoomConnection: typing", () => {
  it("sends typing at once, then at most once per window (a little over the server's 3 s), and only while live", () => {
    const EVERY = defaultTiming.typingEveryMs;
    expect(EVERY).toBeGreaterThanOrEqual(3_000);
    expect(EVERY).toBeLessThan(4_000);
    const { connection, sockets, clock, goLive } = harness();
    connection.start();
    connection.typing();
    goLive();
    expect(sockets.last.framesOf("typing")).toEqual([]);
    connection.typing();
    expect(sockets.last.framesOf("typing")).toEqual([{ action: "typing" }]);
    clock.advance(1_000);
    connection.typing();
    connection.typing();
    clock.advance(EVERY - 1_000 - 1);
    expect(sockets.last.framesOf("typing")).toHaveLength(1);
    // Typing during the wait is told once the wait is over.
    clock.advance(1);
    expect(sockets.last.framesOf("typing")).toHaveLength(2);
    clock.advance(10 * EVERY);
    expect(sockets.last.framesOf("typing")).toHaveLength(2);
  });

  it("a message sent cancels the typing still waiting to go out", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.typing();
    clock.advance(500);
    connection.typing();
    connection.sendMessage("ok");
    clock.advance(10 * defaultTiming.typingEveryMs);
    expect(sockets.last.framesOf("typing")).toHaveLength(1);
  });

  it("shows who is typing, once per person, for ~5 s after their last typing frame; never me", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    sockets.last.receive({ type: "typing", member: bo(1) });
    sockets.last.receive({ type: "typing", member: bo(2) }); // Bo's other tab
    sockets.last.receive({ type: "typing", member: ana(3) });
    expect(connection.state.typing).toEqual([{ userId: BO, name: "Bo" }]);
    clock.advance(3_000);
    sockets.last.receive({ type: "typing", member: cleo(4) });
    sockets.last.receive({ type: "typing", member: bo(1) });
    clock.advance(defaultTiming.typingShownMs - 1);
    expect(connection.state.typing.map((t) => t.name)).toEqual(["Bo", "Cleo"]);
    clock.advance(1);
    expect(connection.state.typing).toEqual([]);
  });

  it("stops showing someone as typing once their message arrives or they leave", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    sockets.last.receive({ type: "typing", member: bo(1) });
    sockets.last.receive({ type: "typing", member: cleo(2) });
    sockets.last.receive({ type: "message", message: message(1) });
    expect(connection.state.typing.map((t) => t.name)).toEqual(["Cleo"]);
    sockets.last.receive({ type: "memberLeft", member: cleo(2) });
    expect(connection.state.typing).toEqual([]);
  });
});

describe("RoomConnection: mentions and refusals", () => {
  it("sends the picked userIds (each once) with the message, and again on a retry", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.sendMessage("@Bo @Cleo look", { mentions: [BO, "user-cleo", BO] });
    connection.sendMessage("no one");
    expect(sockets.last.framesOf("sendMessage")).toEqual([
      { action: "sendMessage", text: "@Bo @Cleo look", clientMessageId: "c1", mentions: [BO, "user-cleo"] },
    ]);
    // One message on the wire at a time: the next goes once the first is answered or, here, times out.
    clock.advance(defaultTiming.sendTimeoutMs);
    expect(sockets.last.framesOf("sendMessage").at(-1)).toEqual({
      action: "sendMessage",
      text: "no one",
      clientMessageId: "c2",
    });
    sockets.last.receive({ type: "message", message: message(1, { clientMessageId: "c2", authorId: ANA }) });
    connection.retryMessage("c1");
    expect(sockets.last.framesOf("sendMessage").at(-1)).toEqual({
      action: "sendMessage",
      text: "@Bo @Cleo look",
      clientMessageId: "c1",
      mentions: [BO, "user-cleo"],
    });
  });

  it("refuses more than 20 mentions without sending", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    const many = Array.from({ length: 21 }, (_, i) => `user-${i}`);
    expect(connection.sendMessage("hi all", { mentions: many })).toEqual({
      ok: false,
      refusal: "tooManyMentions",
    });
    expect(connection.sendMessage("hi all", { mentions: many.slice(0, 20) }).ok).toBe(true);
    expect(sockets.last.framesOf("sendMessage")).toHaveLength(1);
  });

  it("an error naming a clientMessageId fails that message only, and keeps the server's retryAfterMs", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    connection.sendMessage("one");
    connection.sendMessage("two", { mentions: ["not-a-member"] });
    sockets.last.receive({
      type: "error",
      code: "bad_request",
      message: "mentions must be members",
      action: "sendMessage",
      clientMessageId: "c2",
    });
    expect(connection.state.pending.map((p) => [p.clientMessageId, p.state])).toEqual([
      ["c1", "sending"],
      ["c2", "failed"],
    ]);
    sockets.last.receive({
      type: "error",
      code: "rate_limited",
      message: "slow down",
      action: "sendMessage",
      clientMessageId: "c1",
      retryAfterMs: 1500,
    });
    // Refused for coming too fast is not a failure: it waits the server's time and goes out by itself.
    expect(connection.state.pending.map((p) => p.state)).toEqual(["queued", "failed"]);
    expect(connection.state.notices.at(-1)).toMatchObject({ kind: "slowedDown", retryAfterMs: 1500 });
  });

  it("a refused typing, markRead or ping is no news for the person", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    for (const action of ["typing", "markRead", "ping"])
      sockets.last.receive({ type: "error", code: "rate_limited", message: "slow down", action });
    expect(connection.state.notices).toEqual([]);
    expect(connection.state.status).toBe("live");
  });

  it("someone else's message with a clientMessageId like ours settles nothing", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    connection.sendMessage("mine");
    sockets.last.receive({ type: "message", message: message(1, { clientMessageId: "c1" }) });
    expect(connection.state.pending.map((p) => p.state)).toEqual(["sending"]);
  });
});
