import { describe, expect, it } from "vitest";
import { Presence } from "../../src/presence";

describe("how often a large room hears a digest", () => {
  it("the contract's minimum in a small room, n / postsPerSecond (20 by default) in a big one", () => {
    expect(Presence.digestIntervalMs(10)).toBe(2_000);
    expect(Presence.digestIntervalMs(40)).toBe(2_000);
    expect(Presence.digestIntervalMs(41)).toBe(2_050);
    expect(Presence.digestIntervalMs(1_000)).toBe(50_000);
    expect(Presence.digestIntervalMs(5_000)).toBe(250_000);
    expect(Presence.digestIntervalMs(1_000, { intervalMs: 500, postsPerSecond: 100 })).toBe(10_000);
    expect(Presence.digestIntervalMs(3, { intervalMs: 500, postsPerSecond: 100 })).toBe(500);
  });

  it("a delayed job waits the slot's remaining time rounded up to whole seconds, plus one, at most SQS's 900", () => {
    const now = 1_000_000;
    expect(Presence.trailingDelaySeconds(now + 1, now)).toBe(2);
    expect(Presence.trailingDelaySeconds(now + 1_000, now)).toBe(2);
    expect(Presence.trailingDelaySeconds(now + 1_001, now)).toBe(3);
    expect(Presence.trailingDelaySeconds(now - 500, now)).toBe(1);
    expect(Presence.trailingDelaySeconds(now + 2_000_000, now)).toBe(900);
  });
});
