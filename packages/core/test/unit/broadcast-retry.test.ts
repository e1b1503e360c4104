import { describe, expect, it } from "vitest";
import type { ConnectionSender, SendOutcome } from "../../src/broadcast";
import { fullJitterDelayMs } from "../../src/broadcast/full-jitter-backoff";
import { sendWithRetry } from "../../src/broadcast/send-with-retry";

const data = new TextEncoder().encode("{}");

/** A sender that answers from a script, one outcome per attempt, and counts attempts. */
function scriptedSender(script: SendOutcome[]) {
  let attempts = 0;
  const sender: ConnectionSender = {
    async send() {
      return script[Math.min(attempts++, script.length - 1)]!;
    },
  };
  return { sender, attempts: () => attempts };
}

const throttled: SendOutcome = { status: "retryable", reason: "LimitExceededException (HTTP 429)" };
const unavailable: SendOutcome = { status: "retryable", reason: "InternalServerError (HTTP 503): down" };

/** A clock that only `sleep` moves: the retry loop sees exactly the waits it chose. */
function fakeClock() {
  let ms = 0;
  const waits: number[] = [];
  return {
    clock: () => ms,
    sleep: async (wait: number) => {
      waits.push(wait);
      ms += wait;
    },
    waits,
  };
}

describe("fullJitterDelayMs", () => {
  it("draws from [0, base * 2^retry), capped at maxDelayMs", () => {
    const opts = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(fullJitterDelayMs(0, { ...opts, random: () => 0 })).toBe(0);
    expect(fullJitterDelayMs(0, { ...opts, random: () => 0.9999 })).toBe(99);
    expect(fullJitterDelayMs(1, { ...opts, random: () => 0.9999 })).toBe(199);
    expect(fullJitterDelayMs(3, { ...opts, random: () => 0.9999 })).toBe(799);
    expect(fullJitterDelayMs(4, { ...opts, random: () => 0.9999 })).toBe(999);
    expect(fullJitterDelayMs(30, { ...opts, random: () => 0.5 })).toBe(500);
  });

  it("spreads real random draws over the whole window instead of one fixed delay", () => {
    const draws = Array.from({ length: 2000 }, () =>
      fullJitterDelayMs(2, { baseDelayMs: 100, maxDelayMs: 10_000 }),
    );
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(400);
    // Both halves of the window are used: jitter, not a constant.
    expect(draws.filter((d) => d < 200).length).toBeGreaterThan(500);
    expect(draws.filter((d) => d >= 200).length).toBeGreaterThan(500);
  });
});

describe("sendWithRetry", () => {
  it("retries throttling with growing, bounded waits until delivered", async () => {
    const { sender, attempts } = scriptedSender([throttled, throttled, { status: "delivered" }]);
    const waits: number[] = [];
    const result = await sendWithRetry(
      sender,
      { connectionId: "a", data },
      {
        baseDelayMs: 100,
        random: () => 0.9999,
        sleep: async (ms) => void waits.push(ms),
      },
    );
    expect(result).toEqual({ outcome: { status: "delivered" }, retries: 2 });
    expect(attempts()).toBe(3);
    expect(waits).toEqual([99, 199]);
  });

  it("gives up on a transient failure after maxRetries and reports the last reason as failed", async () => {
    const { sender, attempts } = scriptedSender([unavailable]);
    const waits: number[] = [];
    const result = await sendWithRetry(
      sender,
      { connectionId: "a", data },
      { maxRetries: 3, sleep: async (ms) => void waits.push(ms) },
    );
    expect(result.retries).toBe(3);
    expect(result.outcome).toEqual({
      status: "failed",
      reason: "gave up after 3 retries: InternalServerError (HTTP 503): down",
    });
    expect(attempts()).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it("never retries gone or failed, and maxRetries 0 means one attempt", async () => {
    for (const outcome of [{ status: "gone" }, { status: "failed", reason: "Forbidden" }] as SendOutcome[]) {
      const { sender, attempts } = scriptedSender([outcome, { status: "delivered" }]);
      expect(await sendWithRetry(sender, { connectionId: "a", data }, { sleep: async () => {} })).toEqual({
        outcome,
        retries: 0,
      });
      expect(attempts()).toBe(1);
    }
    const { sender, attempts } = scriptedSender([unavailable]);
    const result = await sendWithRetry(
      sender,
      { connectionId: "a", data },
      { maxRetries: 0, sleep: async () => {} },
    );
    expect(result.outcome.status).toBe("failed");
    expect(attempts()).toBe(1);
  });

  it("retries throttling past maxRetries, with capped waits, until the time budget is spent", async () => {
    const { sender, attempts } = scriptedSender([throttled]);
    const clock = fakeClock();
    const result = await sendWithRetry(
      sender,
      { connectionId: "a", data },
      {
        maxRetries: 3,
        throttleBudgetMs: 10_000,
        baseDelayMs: 100,
        maxDelayMs: 1_000,
        random: () => 0.9999,
        ...clock,
      },
    );
    // 99 + 199 + 399 + 799 = 1,496 ms, then 999 ms waits while they still end within 10 s: 8 more (9,488 ms).
    expect(clock.waits).toEqual([99, 199, 399, 799, ...Array(8).fill(999)]);
    expect(result.retries).toBe(12);
    expect(attempts()).toBe(13);
    expect(result.outcome).toEqual({
      status: "failed",
      reason: "gave up after 12 retries in 9488 ms: LimitExceededException (HTTP 429)",
    });
  });

  it("delivers a post that is throttled for longer than three retries once the limit clears", async () => {
    const { sender } = scriptedSender([...Array(6).fill(throttled), { status: "delivered" }]);
    const clock = fakeClock();
    const result = await sendWithRetry(sender, { connectionId: "a", data }, { maxRetries: 3, ...clock });
    expect(result).toEqual({ outcome: { status: "delivered" }, retries: 6 });
  });

  it("counts only transient failures against maxRetries when they mix with throttling", async () => {
    const { sender, attempts } = scriptedSender([
      throttled,
      unavailable,
      throttled,
      unavailable,
      unavailable,
    ]);
    const result = await sendWithRetry(
      sender,
      { connectionId: "a", data },
      { maxRetries: 2, ...fakeClock() },
    );
    expect(result.outcome).toEqual({
      status: "failed",
      reason: "gave up after 4 retries: InternalServerError (HTTP 503): down",
    });
    expect(attempts()).toBe(5);
  });

  it("a zero budget gives a throttled post one attempt", async () => {
    const { sender, attempts } = scriptedSender([throttled]);
    const result = await sendWithRetry(
      sender,
      { connectionId: "a", data },
      { throttleBudgetMs: 0, random: () => 0.5, ...fakeClock() },
    );
    expect(result.outcome.status).toBe("failed");
    expect(attempts()).toBe(1);
  });

  it("turns a sender that throws into a failed outcome instead of an exception", async () => {
    const sender: ConnectionSender = {
      send: async () => {
        throw new Error("boom");
      },
    };
    expect(await sendWithRetry(sender, { connectionId: "a", data })).toEqual({
      outcome: { status: "failed", reason: "sender threw: boom" },
      retries: 0,
    });
  });
});
