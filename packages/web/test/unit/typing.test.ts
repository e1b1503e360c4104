import { describe, expect, it } from "vitest";
import type { Typist } from "../../src/network/room-state";
import { TypingSignal, Typists } from "../../src/network/typing";
import { FakeClock } from "./support/fake-clock";
import { ANA, member } from "./support/fixtures";

function signal(everyMs = 3000) {
  const clock = new FakeClock();
  const sentAt: number[] = [];
  let accepts = true;
  const typing = new TypingSignal(clock, everyMs, () => {
    if (accepts) sentAt.push(clock.now() - start);
    return accepts;
  });
  const start = clock.now();
  return { clock, sentAt, typing, refuse: (refuse: boolean) => (accepts = !refuse) };
}

describe("TypingSignal", () => {
  it("tells at once, then at most once per interval, with typing during the wait told when it ends", () => {
    const { clock, sentAt, typing } = signal(3000);
    typing.typing();
    clock.advance(1000);
    typing.typing();
    typing.typing();
    expect(sentAt).toEqual([0]);
    clock.advance(2000);
    expect(sentAt).toEqual([0, 3000]);
    clock.advance(5000);
    typing.typing();
    expect(sentAt).toEqual([0, 3000, 8000]);
  });

  it("cancel drops a typing still waiting; reset lets the next one go out at once", () => {
    const { clock, sentAt, typing } = signal(3000);
    typing.typing();
    clock.advance(500);
    typing.typing();
    typing.cancel();
    clock.advance(5000);
    expect(sentAt).toEqual([0]);
    typing.typing();
    clock.advance(100);
    typing.reset();
    typing.typing();
    expect(sentAt).toEqual([0, 5500, 5600]);
    expect(clock.timerCount).toBe(0);
  });

  it("a typing the socket could not take does not start the interval", () => {
    const { sentAt, typing, refuse } = signal(3000);
    refuse(true);
    typing.typing();
    refuse(false);
    typing.typing();
    expect(sentAt).toEqual([0]);
  });
});

function typists(shownMs = 6000) {
  const clock = new FakeClock();
  let shown: readonly Typist[] = [];
  const list = new Typists(clock, shownMs, ANA, { get: () => shown, set: (next) => (shown = next) });
  return { clock, list, shown: () => shown };
}

describe("Typists", () => {
  it("shows each other member once, in the order they started, for the time shown after their last typing", () => {
    const { clock, list, shown } = typists(6000);
    list.typing(member(1, "Bo"));
    clock.advance(4000);
    list.typing(member(2, "Cy"));
    list.typing(member(1, "Bo"));
    expect(shown()).toEqual([
      { userId: "user-1", name: "Bo" },
      { userId: "user-2", name: "Cy" },
    ]);
    clock.advance(6000);
    expect(shown()).toEqual([]);
  });

  it("never shows ourselves, and takes a new name", () => {
    const { list, shown } = typists();
    list.typing(member(9, "Me", ANA));
    list.typing(member(1, "Bo"));
    list.typing(member(1, "Bob"));
    expect(shown()).toEqual([{ userId: "user-1", name: "Bob" }]);
  });

  it("stopped removes one at once; cancel leaves no timer running", () => {
    const { clock, list, shown } = typists();
    list.typing(member(1));
    list.typing(member(2));
    list.stopped("user-1");
    expect(shown().map((t) => t.userId)).toEqual(["user-2"]);
    list.cancel();
    expect(clock.timerCount).toBe(0);
  });
});
