import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/connection-timing";
import { member, message, room, snapshot } from "./support/fixtures";
import { harness } from "./support/harness";

const MINUTE = 60_000;

describe("RoomConnection: connecting and syncing", () => {
  it("connects with a fresh ticket for the room (nothing else in the URL), syncs the newest page, then is live", () => {
    const { connection, sockets, ticketRequests } = harness();
    expect(connection.state.status).toBe("connecting");
    connection.start();
    expect(ticketRequests).toEqual([room.roomId]);
    expect(sockets.last.url).toBe("ws://gateway.test?ticket=ticket-1");
    expect(sockets.last.sent).toEqual([]);

    sockets.last.accept();
    expect(sockets.last.frames).toEqual([{ action: "sync" }]);
    expect(connection.state.status).toBe("connecting");

    sockets.last.receive(
      snapshot({ messages: [message(2), message(3)], hasMore: true, members: [member(1)] }),
    );
    expect(connection.state.status).toBe("live");
    expect(connection.state.synced).toBe(true);
    expect(connection.state.room).toEqual(room);
    expect(connection.state.members).toEqual([member(1)]);
    expect(connection.state.messages.map((m) => m.text)).toEqual(["message 2", "message 3"]);
    // Older history starts at the oldest message of the newest page; the run held ends at its newest.
    expect(connection.state.older.cursor).toBe(2);
    expect(connection.state.lastSeq).toBe(3);
  });

  it("has no older history when the newest page is everything", () => {
    const { connection, goLive } = harness();
    goLive({ messages: [message(1)], hasMore: false });
    expect(connection.state.older.cursor).toBeNull();
  });

  it("ignores frames that are not JSON objects", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    const before = connection.state;
    sockets.last.receive("not json");
    sockets.last.receive("42");
    sockets.last.receive("null");
    expect(connection.state).toBe(before);
  });

  it("tries again when the snapshot does not come within the connect timeout", () => {
    const { connection, sockets, clock } = harness({ random: () => 0 });
    connection.start();
    sockets.last.accept();
    clock.advance(defaultTiming.connectTimeoutMs);
    expect(sockets.all[0]?.closedWith).not.toBeNull();
    expect(connection.state.status).toBe("reconnecting");
    clock.advance(0);
    expect(sockets.all).toHaveLength(2);
  });

  it("stop() closes the socket and never reconnects", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    connection.stop();
    expect(sockets.last.closedWith?.code).toBe(1000);
    expect(connection.state.status).toBe("closed");
    sockets.last.drop();
    clock.advance(10 * MINUTE);
    expect(sockets.all).toHaveLength(1);
    expect(clock.timerCount).toBe(0);
  });
});

describe("RoomConnection: reconnecting", () => {
  it("shows reconnecting and waits a full-jitter backoff that grows to the cap", () => {
    const draws: number[] = [];
    let nextDraw = 0.999_999;
    const { connection, sockets, clock, goLive } = harness({
      random: () => {
        draws.push(nextDraw);
        return nextDraw;
      },
      // Each new socket is dropped before it opens; here that is the network, not a refusal to count.
      timing: { maxRefusedHandshakes: 100 },
    });
    goLive();
    const { baseDelayMs: baseMs, maxDelayMs: capMs } = defaultTiming.backoff;
    const delays: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      sockets.last.drop();
      expect(connection.state.status).toBe("reconnecting");
      const delay = (connection.state.retryAt as number) - clock.now();
      delays.push(delay);
      const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceiling);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling * 0.999)); // random() near 1 → near the ceiling
      clock.advance(delay - 1);
      const opened = sockets.all.length;
      clock.advance(1);
      expect(sockets.all.length).toBe(opened + 1); // exactly at the delay, not before
    }
    expect(delays.at(-1)).toBeLessThan(capMs);
    expect(delays.at(-1)).toBeGreaterThan(capMs * 0.99);

    // random() = 0 means "retry at once": full jitter spans the whole range down to zero.
    nextDraw = 0;
    sockets.last.drop();
    expect((connection.state.retryAt as number) - clock.now()).toBe(0);
    expect(draws.length).toBe(11);
  });

  it("resets the backoff after a connection that stayed live long enough", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0.999 });
    goLive();
    for (let i = 0; i < 4; i++) {
      sockets.last.drop();
      clock.advance(60_000);
    }
    sockets.last.accept();
    sockets.last.receive(snapshot());
    expect(connection.state.status).toBe("live");
    clock.advance(defaultTiming.stableAfterMs);
    sockets.last.drop();
    expect((connection.state.retryAt as number) - clock.now()).toBeLessThan(
      defaultTiming.backoff.baseDelayMs,
    );
  });

  it("reconnectNow() skips the rest of the wait", () => {
    const { connection, sockets, goLive } = harness({ random: () => 0.999 });
    goLive();
    sockets.last.drop();
    expect(sockets.all).toHaveLength(1);
    connection.reconnectNow();
    expect(sockets.all).toHaveLength(2);
    expect(connection.state.status).toBe("reconnecting");
  });

  it("catches up after the last seq it holds, and keeps syncing while hasMore", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [message(1), message(2)] });
    clock.advance(MINUTE);
    sockets.last.receive({ type: "message", message: message(3) });
    clock.advance(MINUTE);
    sockets.last.drop();
    clock.advance(0);

    const second = sockets.last;
    second.accept();
    expect(second.frames).toEqual([{ action: "sync", afterSeq: 3 }]);
    // The first catch-up page has more behind it; a live message overtakes it meanwhile.
    second.receive({ type: "message", message: message(9) });
    second.receive(snapshot({ messages: [message(4), message(5), message(6)], hasMore: true }));
    expect(connection.state.status).toBe("reconnecting");
    // From the end of the page (the run held), not from the live message beyond the hole.
    expect(second.frames.at(-1)).toEqual({ action: "sync", afterSeq: 6 });

    second.receive(snapshot({ messages: [message(7), message(8), message(9)], hasMore: false }));
    expect(connection.state.status).toBe("live");
    expect(connection.state.messages.map((m) => m.messageId)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => message(n).messageId),
    );
    // Catch-up pages never move the older-history cursor.
    expect(connection.state.older.cursor).toBeNull();
  });

  it("re-reads nothing it holds on catch-up: no time overlap, however recent the last messages are", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [message(1), message(2)] });
    clock.advance(MINUTE);
    sockets.last.receive({ type: "message", message: message(3) });
    sockets.last.receive({ type: "message", message: message(4) });
    clock.advance(500); // the drop comes right after them
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    expect(sockets.last.frames).toEqual([{ action: "sync", afterSeq: 4 }]);
    sockets.last.receive(snapshot({ messages: [message(5)] }));
    expect(connection.state.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(sockets.last.framesOf("sync")).toHaveLength(1);
    expect("catchUpOverlapMs" in defaultTiming).toBe(false);
  });

  it("replaces members from the snapshot after a reconnect and follows joins and leaves", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ members: [member(1), member(2)] });
    sockets.last.receive({ type: "memberJoined", member: member(3) });
    sockets.last.receive({ type: "memberJoined", member: member(3) });
    sockets.last.receive({ type: "memberLeft", member: member(1) });
    expect(connection.state.members.map((m) => m.memberId)).toEqual(["m2", "m3"]);
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive(snapshot({ members: [member(4)] }));
    expect(connection.state.members.map((m) => m.memberId)).toEqual(["m4"]);
  });

  it("starts over on a fresh connection when the sync itself is refused", () => {
    const { connection, sockets, clock } = harness({ random: () => 0 });
    connection.start();
    sockets.last.accept();
    sockets.last.receive({ type: "error", code: "internal", message: "Internal error", action: "sync" });
    expect(sockets.all[0]?.closedWith).not.toBeNull();
    expect(connection.state.status).toBe("reconnecting");
    clock.advance(0);
    expect(sockets.all).toHaveLength(2);
  });

  it("says so when the server closes the socket for an oversized frame (1009)", () => {
    const { connection, sockets, goLive } = harness();
    goLive();
    sockets.last.drop(1009);
    expect(connection.state.notices.at(-1)?.tone).toBe("error");
    expect(connection.state.notices.at(-1)?.kind).toBe("frameTooLarge");
  });
});

describe("RoomConnection: keeping the connection alive", () => {
  it("pings once shortly after going live, then every 5 minutes, well inside API Gateway's 10-minute idle limit", () => {
    const { connection, sockets, clock, goLive } = harness();
    goLive();
    const pings = () => sockets.last.framesOf("ping").length;
    // The join check (a message may have been fanned out to a room list read just before we joined).
    clock.advance(defaultTiming.joinCheckAfterMs - 1);
    expect(pings()).toBe(0);
    clock.advance(1);
    expect(pings()).toBe(1);
    sockets.last.receive({ type: "pong", lastSeq: 0 });
    clock.advance(5 * MINUTE - defaultTiming.joinCheckAfterMs - 1);
    expect(pings()).toBe(1);
    clock.advance(1);
    expect(pings()).toBe(2);
    for (let i = 3; i <= 13; i++) {
      sockets.last.receive({ type: "pong", lastSeq: 0 });
      clock.advance(5 * MINUTE);
      expect(pings()).toBe(i);
    }
    expect(sockets.all).toHaveLength(1);
    expect(connection.state.status).toBe("live");
  });

  it("treats a ping without any answer as a dead socket", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive();
    clock.advance(5 * MINUTE);
    expect(connection.state.status).toBe("live");
    clock.advance(defaultTiming.pongTimeoutMs);
    expect(connection.state.status).toBe("reconnecting");
    expect(sockets.all[0]?.closedWith).not.toBeNull();
  });

  it("moves to a fresh connection at 1 h 50 min, before API Gateway's 2-hour limit", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0.999 });
    goLive({ messages: [message(1)] });
    const answerPings = () => {
      for (let minute = 0; minute < 110; minute += 5) {
        clock.advance(5 * MINUTE);
        if (sockets.all.length > 1) return;
        sockets.last.receive({ type: "pong", lastSeq: 0 });
      }
    };
    answerPings();
    expect(sockets.all).toHaveLength(2);
    expect(sockets.all[0]?.closedWith).not.toBeNull();
    expect(clock.now() - 1_700_000_000_000).toBe(110 * MINUTE);
    expect(clock.now() - 1_700_000_000_000).toBeLessThan(120 * MINUTE);
    // The new socket catches up from the last message, without a backoff wait.
    sockets.last.accept();
    expect(sockets.last.frames).toEqual([{ action: "sync", afterSeq: 1 }]);
    sockets.last.receive(snapshot());
    expect(connection.state.status).toBe("live");
  });
});
