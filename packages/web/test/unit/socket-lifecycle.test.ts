import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/network/api-error";
import { type ConnectionTiming, defaultTiming } from "../../src/network/connection-timing";
import type { EndReason } from "../../src/network/room-state";
import { SocketLifecycle } from "../../src/network/socket-lifecycle";
import { FakeClock } from "./support/fake-clock";
import { FakeSockets } from "./support/fake-socket";

const ROOM = "01JROOM0000000000000000000";

/** A lifecycle on fake sockets and a fake clock, recording every event it reports. */
function lifecycle({
  ticket = (n: number): string | Error => `t${n}`,
  timing = {},
  random = () => 0,
}: {
  ticket?: (n: number) => string | Error;
  timing?: Partial<ConnectionTiming>;
  random?: () => number;
} = {}) {
  const clock = new FakeClock();
  const sockets = new FakeSockets();
  const events: string[] = [];
  let tickets = 0;
  const socket = new SocketLifecycle({
    wsUrl: "ws://gateway.test",
    roomId: ROOM,
    getTicket: () => {
      const answer = ticket(++tickets);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    openSocket: sockets.open,
    clock,
    random,
    timing: { ...defaultTiming, ...timing },
    events: {
      onStatus: (status, retryAt) =>
        events.push(`${status}${retryAt === null ? "" : ` +${retryAt - clock.now()}`}`),
      onOpen: () => events.push("open"),
      onFrame: (data) => events.push(`frame ${data}`),
      onDrop: (code) => events.push(`drop ${code ?? "-"}`),
      onEnd: (reason: EndReason) => events.push(`end ${reason}`),
    },
  });
  return { clock, sockets, events, socket, ticketsAsked: () => tickets };
}

describe("SocketLifecycle", () => {
  it("connects with a fresh ticket in the URL, reports open and frames, and sends only while open", () => {
    const { sockets, events, socket } = lifecycle();
    socket.open();
    expect(socket.send({ action: "ping" })).toBe(false);
    sockets.last.accept();
    sockets.last.receive('{"type":"pong","lastSeq":0}');
    expect(socket.send({ action: "ping" })).toBe(true);
    expect(sockets.last.query.get("ticket")).toBe("t1");
    expect(events).toEqual(["connecting", "open", 'frame {"type":"pong","lastSeq":0}']);
  });

  it("after a drop waits a backoff that grows, then connects again with a new ticket", () => {
    const { clock, sockets, events, socket, ticketsAsked } = lifecycle({ random: () => 0.5 });
    socket.open();
    sockets.last.accept();
    sockets.last.drop(1006);
    clock.advance(250);
    sockets.last.accept();
    sockets.last.drop(1001);
    expect(events.filter((e) => e.startsWith("reconnecting +"))).toEqual([
      "reconnecting +250",
      "reconnecting +500",
    ]);
    expect(events.filter((e) => e.startsWith("drop"))).toEqual(["drop 1006", "drop 1001"]);
    expect(ticketsAsked()).toBe(2);
  });

  it("drops a socket that answers no ping, and moves to a fresh one before API Gateway's 2-hour limit", () => {
    const { clock, sockets, socket } = lifecycle({ timing: { maxConnectionAgeMs: 60 * 60_000 } });
    socket.open();
    sockets.last.accept();
    socket.live();
    clock.advance(defaultTiming.pingEveryMs);
    expect(sockets.last.frames).toEqual([{ action: "ping" }]);
    clock.advance(defaultTiming.pongTimeoutMs);
    expect(sockets.all[0]?.closedWith?.code).toBe(4000);
    clock.advance(0);
    sockets.last.accept();
    socket.live();
    for (let t = 0; t < 60; t += 5) {
      sockets.last.receive('{"type":"pong","lastSeq":0}');
      clock.advance(5 * 60_000);
    }
    expect(sockets.all[1]?.closedWith).toEqual({ code: 4000, reason: "refresh" });
  });

  it("ends for good on a ticket refused as limit_reached, 401, 403 or 404; waits retryAfterMs on rate_limited", () => {
    for (const [error, reason] of [
      [new ApiError({ code: "limit_reached", message: "full", status: 403 }), "room_full"],
      [new ApiError({ code: "unauthorized", message: "no", status: 401 }), "signed_out"],
      [new ApiError({ code: "forbidden", message: "no", status: 403 }), "removed"],
      [new ApiError({ code: "not_found", message: "no", status: 404 }), "not_found"],
    ] as const) {
      const { clock, events, socket, ticketsAsked } = lifecycle({ ticket: () => error });
      socket.open();
      clock.advance(60 * 60_000);
      expect(events).toEqual(["connecting", `end ${reason}`]);
      expect(ticketsAsked()).toBe(1);
      expect(clock.timerCount).toBe(0);
    }
    const slow = new ApiError({ code: "rate_limited", message: "slow", status: 429, retryAfterMs: 9_000 });
    const { events, socket } = lifecycle({ ticket: (n) => (n === 1 ? slow : `t${n}`) });
    socket.open();
    expect(events).toEqual(["connecting", "reconnecting +9000", "drop -"]);
  });

  it("ends as refused after maxRefusedHandshakes sockets in a row closed before opening", () => {
    const { clock, sockets, events, socket } = lifecycle({ timing: { maxRefusedHandshakes: 3 } });
    socket.open();
    for (let i = 0; i < 3; i++) {
      sockets.last.drop(1006);
      clock.advance(0);
    }
    expect(events.at(-1)).toBe("end refused");
    expect(sockets.all).toHaveLength(3);
    socket.restart();
    expect(sockets.all).toHaveLength(4);
    expect(socket.ended).toBe(false);
  });

  it("end runs beforeClose while the socket is still open, then closes with 1000 and ignores that socket", () => {
    const { clock, sockets, events, socket } = lifecycle();
    socket.open();
    sockets.last.accept();
    socket.end("stopped", () => socket.send({ action: "markRead", seq: 3 }));
    sockets.last.drop(1000);
    clock.advance(60 * 60_000);
    expect(sockets.last.frames).toEqual([{ action: "markRead", seq: 3 }]);
    expect(sockets.last.closedWith).toEqual({ code: 1000 });
    expect(events).toEqual(["connecting", "open", "end stopped"]);
  });
});
