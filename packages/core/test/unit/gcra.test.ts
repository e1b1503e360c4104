import { describe, expect, it } from "vitest";
import { RateLimitedError } from "../../src/errors";
import { type ConditionalWrite, gcra, takeToken } from "../../src/rate-limit";

const frames = { rate: 10, perMs: 1_000, burst: 30 };

describe("gcra", () => {
  it("allows a full burst at once, then one call per interval, and says how long to wait", () => {
    const now = 1_000_000;
    let tat: number | undefined;
    for (let i = 0; i < 30; i++) {
      const decision = gcra({ tat, now, limit: frames });
      if (!decision.allowed) throw new Error(`call ${i + 1} of the burst was refused`);
      tat = decision.tat;
    }
    expect(gcra({ tat, now, limit: frames })).toEqual({ allowed: false, retryAfterMs: 100 });
    expect(gcra({ tat, now: now + 99, limit: frames }).allowed).toBe(false);
    expect(gcra({ tat, now: now + 100, limit: frames })).toEqual({ allowed: true, tat: now + 3_100 });
  });

  it("refills at the sustained rate and never beyond the burst", () => {
    const now = 5_000_000;
    // Drained by 30 calls, then idle for a second: 10 calls are back, the 11th waits.
    let tat: number | undefined = now + 3_000;
    const later = now + 1_000;
    for (let i = 0; i < 10; i++) {
      const decision = gcra({ tat, now: later, limit: frames });
      if (!decision.allowed) throw new Error(`call ${i + 1} after the refill was refused`);
      tat = decision.tat;
    }
    expect(gcra({ tat, now: later, limit: frames }).allowed).toBe(false);
    // Idle for an hour: still only a burst of 30.
    const rested = gcra({ tat, now: now + 3_600_000, limit: frames });
    expect(rested).toEqual({ allowed: true, tat: now + 3_600_000 + 100 });
  });
});

/** A bucket in memory, with the same conditions as the DynamoDB ones, counting writes. */
function memoryStore(initial?: number) {
  const state = { tat: initial, writes: 0, attempts: 0 };
  const outcome = (ok: boolean, tat: () => number): ConditionalWrite<{ tat?: number }> => {
    state.attempts++;
    if (!ok) return { written: false, record: { tat: state.tat } };
    state.writes++;
    state.tat = tat();
    return { written: true, record: { tat: state.tat } };
  };
  return {
    state,
    store: {
      writeIfFull: async (next: number, now: number) =>
        outcome(state.tat === undefined || state.tat <= now, () => next),
      addIfTokenLeft: async (interval: number, now: number, latest: number) =>
        outcome(
          state.tat !== undefined && state.tat > now && state.tat <= latest,
          () => (state.tat ?? 0) + interval,
        ),
      tatOf: (record: { tat?: number }) => record.tat,
    },
  };
}

describe("takeToken", () => {
  it("costs one write when the bucket is full, two in a burst, and writes nothing when refusing", async () => {
    const { state, store } = memoryStore();
    const now = 1_000;
    await takeToken(store, { limit: frames, now, refusal: "slow down" });
    expect(state).toMatchObject({ attempts: 1, writes: 1 });
    await takeToken(store, { limit: frames, now, refusal: "slow down" });
    expect(state).toMatchObject({ attempts: 3, writes: 2 });
    for (let i = 2; i < 30; i++) await takeToken(store, { limit: frames, now, refusal: "slow down" });
    const before = { ...state };
    const refused = await takeToken(store, { limit: frames, now, refusal: "slow down" }).catch((e) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused).toMatchObject({ code: "rate_limited", retryAfterMs: 100, message: "slow down" });
    expect(state.tat).toBe(before.tat);
    expect(state.writes).toBe(before.writes);
    expect(state.attempts).toBe(before.attempts + 2);
  });

  it("returns null when there is no record to count on", async () => {
    const store = {
      writeIfFull: async () => ({ written: false as const, record: null }),
      addIfTokenLeft: async () => ({ written: false as const, record: null }),
      tatOf: () => undefined,
    };
    expect(await takeToken(store, { limit: frames, now: 0, refusal: "x" })).toBeNull();
  });
});
