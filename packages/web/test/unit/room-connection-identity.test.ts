import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/network/api-error";
import { defaultTiming } from "../../src/network/connection-timing";
import { deferred } from "./support/deferred";
import { message, ROOM_ID, snapshot } from "./support/fixtures";
import { harness } from "./support/harness";

const MINUTE = 60_000;
const refusedWith = (status: number, code: string) => new ApiError({ code, message: code, status });

describe("RoomConnection: tickets", () => {
  it("asks for a fresh ticket for every connect and reconnect, and never reuses one", () => {
    const { connection, sockets, clock, goLive, ticketRequests } = harness({
      random: () => 0,
      timing: { maxConnectionAgeMs: 30 * MINUTE },
    });
    goLive({ messages: [message(1)] });
    for (let i = 0; i < 3; i++) {
      sockets.last.drop();
      expect(ticketRequests).toHaveLength(i + 1); // none while waiting out the backoff
      clock.advance(0);
      sockets.last.accept();
      sockets.last.receive(snapshot());
    }
    // A refresh before API Gateway's 2-hour limit is a connect too.
    for (let minute = 0; minute < 30; minute += 5) {
      sockets.last.receive({ type: "pong", lastSeq: 0 });
      clock.advance(5 * MINUTE);
    }
    expect(connection.state.status).toBe("reconnecting");
    expect(ticketRequests).toEqual(Array(5).fill(ROOM_ID));
    expect(sockets.all.map((s) => s.query.get("ticket"))).toEqual([
      "ticket-1",
      "ticket-2",
      "ticket-3",
      "ticket-4",
      "ticket-5",
    ]);
    expect(sockets.all.every((s) => [...s.query.keys()].join() === "ticket")).toBe(true);
  });

  it("retries a ticket request that failed for a passing reason (network, 500) with the usual backoff", () => {
    const { connection, sockets, clock, ticketRequests } = harness({
      random: () => 0.999,
      ticket: (n) =>
        n === 1 ? refusedWith(0, "network") : n === 2 ? refusedWith(500, "internal") : `ticket-${n}`,
    });
    connection.start();
    expect(sockets.all).toHaveLength(0);
    expect(connection.state.status).toBe("reconnecting");
    const firstWait = (connection.state.retryAt as number) - clock.now();
    expect(firstWait).toBeLessThan(defaultTiming.backoff.baseDelayMs);
    clock.advance(firstWait);
    expect(ticketRequests).toHaveLength(2);
    const secondWait = (connection.state.retryAt as number) - clock.now();
    expect(secondWait).toBeGreaterThan(firstWait); // the backoff grows as for dropped sockets
    clock.advance(secondWait);
    expect(sockets.all).toHaveLength(1);
    expect(sockets.last.query.get("ticket")).toBe("ticket-3");
  });

  it("waits at least the server's retryAfterMs when the ticket request was rate limited", () => {
    const { connection, clock, ticketRequests } = harness({
      random: () => 0,
      ticket: (n) =>
        n === 1
          ? new ApiError({ code: "rate_limited", message: "slow down", status: 429, retryAfterMs: 7_000 })
          : `ticket-${n}`,
    });
    connection.start();
    expect((connection.state.retryAt as number) - clock.now()).toBe(7_000);
    clock.advance(6_999);
    expect(ticketRequests).toHaveLength(1);
    clock.advance(1);
    expect(ticketRequests).toHaveLength(2);
  });

  it("gives up on a ticket request that hangs past the connect timeout and ignores its late answer", async () => {
    const late = deferred<string>();
    const { connection, sockets, clock, ticketRequests } = harness({
      random: () => 0,
      ticket: (n) => (n === 1 ? late.promise : `ticket-${n}`),
    });
    connection.start();
    clock.advance(defaultTiming.connectTimeoutMs);
    expect(connection.state.status).toBe("reconnecting");
    clock.advance(0);
    expect(ticketRequests).toHaveLength(2);
    expect(sockets.all).toHaveLength(1);
    late.resolve("ticket-late");
    await late.promise;
    expect(sockets.all.map((s) => s.query.get("ticket"))).toEqual(["ticket-2"]);
  });

  it("opens nothing when stopped while a ticket is on its way", async () => {
    const pending = deferred<string>();
    const { connection, sockets, clock } = harness({ ticket: () => pending.promise });
    connection.start();
    connection.stop();
    pending.resolve("ticket-1");
    await pending.promise;
    expect(sockets.all).toHaveLength(0);
    expect(connection.state).toMatchObject({ status: "closed", ended: "stopped" });
    expect(clock.timerCount).toBe(0);
  });
});

describe("RoomConnection: refused for good", () => {
  it.each([
    [403, "forbidden", "removed"],
    [404, "not_found", "not_found"],
    [401, "unauthorized", "signed_out"],
  ] as const)(
    "a ticket refused with %i ends the connection (%s → %s) without a reconnect loop",
    (status, code, ended) => {
      const { connection, sockets, clock, goLive, ticketRequests } = harness({
        random: () => 0,
        ticket: (n) => (n === 1 ? "ticket-1" : refusedWith(status, code)),
      });
      goLive();
      sockets.last.drop();
      clock.advance(0);
      expect(ticketRequests).toHaveLength(2);
      expect(connection.state).toMatchObject({ status: "closed", ended, retryAt: null });
      clock.advance(60 * MINUTE);
      connection.reconnectNow();
      expect(ticketRequests).toHaveLength(2);
      expect(sockets.all).toHaveLength(1);
      expect(clock.timerCount).toBe(0);
    },
  );

  it("a private room one is not in ends as not_found on the very first connect", () => {
    const { connection, sockets } = harness({ ticket: () => refusedWith(404, "not_found") });
    connection.start();
    expect(connection.state).toMatchObject({ status: "closed", ended: "not_found" });
    expect(sockets.all).toHaveLength(0);
  });

  it("after a `removed` frame: closed as removed, no reconnect when the server then closes the socket, nothing sent", () => {
    const { connection, sockets, clock, goLive, ticketRequests } = harness({ random: () => 0 });
    goLive({ messages: [message(1)] });
    connection.sendMessage("pending when removed");
    sockets.last.receive({ type: "removed", roomId: ROOM_ID });
    expect(connection.state).toMatchObject({ status: "closed", ended: "removed" });
    expect(sockets.last.closedWith?.code).toBe(1000);
    // The server closes its end right after the frame.
    sockets.last.drop(1000);
    clock.advance(60 * MINUTE);
    connection.reconnectNow();
    expect(sockets.all).toHaveLength(1);
    expect(ticketRequests).toHaveLength(1);
    expect(clock.timerCount).toBe(0);
    expect(connection.sendMessage("after")).toEqual({ ok: false, refusal: "ended" });
    expect(connection.addTodo("after")).toEqual({ ok: false, refusal: "ended" });
    // The history seen so far stays on screen behind the "you were removed" message.
    expect(connection.state.messages).toHaveLength(1);
  });

  it("a handshake refused for any other reason (a used or expired ticket: close without open) is retried with a new ticket", () => {
    const { connection, sockets, clock, ticketRequests } = harness({ random: () => 0 });
    connection.start();
    sockets.last.drop(1006);
    expect(connection.state.status).toBe("reconnecting");
    clock.advance(0);
    expect(ticketRequests).toHaveLength(2);
    expect(sockets.last.query.get("ticket")).toBe("ticket-2");
  });
});
