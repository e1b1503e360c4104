import { describe, expect, it } from "vitest";
import { NamedTimers } from "../../src/network/named-timers";
import { FakeClock } from "./support/fake-clock";

describe("NamedTimers", () => {
  it("keeps one timer per name: setting again replaces it, and a timer that ran is no longer waiting", () => {
    const clock = new FakeClock();
    const timers = new NamedTimers<string>(clock);
    const ran: string[] = [];
    timers.set("a", 100, () => ran.push("a1"));
    timers.set("a", 200, () => ran.push("a2"));
    timers.set("b", 150, () => ran.push("b"));
    clock.advance(150);
    expect(ran).toEqual(["b"]);
    expect(timers.has("a")).toBe(true);
    expect(timers.has("b")).toBe(false);
    clock.advance(50);
    expect(ran).toEqual(["b", "a2"]);
    expect(clock.timerCount).toBe(0);
  });

  it("clear and clearAll cancel what waits", () => {
    const clock = new FakeClock();
    const timers = new NamedTimers<number>(clock);
    const ran: number[] = [];
    for (const n of [1, 2, 3]) timers.set(n, n * 10, () => ran.push(n));
    timers.clear(2);
    clock.advance(10);
    timers.clearAll();
    clock.advance(100);
    expect(ran).toEqual([1]);
    expect(clock.timerCount).toBe(0);
  });
});
