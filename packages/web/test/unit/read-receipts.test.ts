import { describe, expect, it } from "vitest";
import { othersReads, ReadReporter, readFrom } from "../../src/network/read-receipts";
import { FakeClock } from "./support/fake-clock";
import { ANA, BO } from "./support/fixtures";

/** A reporter over a fake link: `readSeq` moves with what was sent, `live` and `accepts` are switched by tests. */
function reporter(delayMs = 500) {
  const clock = new FakeClock();
  const link = { readSeq: 0, live: true, accepts: true, sent: [] as number[] };
  const reads = new ReadReporter(clock, delayMs, {
    readSeq: () => link.readSeq,
    live: () => link.live,
    send: (seq) => {
      if (link.accepts) link.sent.push(seq);
      return link.accepts;
    },
    sent: (seq) => {
      link.readSeq = seq;
    },
  });
  return { clock, link, reads };
}

describe("ReadReporter", () => {
  it("sends the newest position seen once per delay, never backwards", () => {
    const { clock, link, reads } = reporter(500);
    reads.seen(3);
    reads.seen(5);
    reads.seen(4);
    clock.advance(499);
    expect(link.sent).toEqual([]);
    clock.advance(1);
    expect(link.sent).toEqual([5]);
    expect(link.readSeq).toBe(5);
    reads.seen(5);
    reads.seen(2);
    reads.seen(1.5);
    clock.advance(1000);
    expect(link.sent).toEqual([5]);
    expect(clock.timerCount).toBe(0);
  });

  it("a position seen while not live waits, and goes out on resume", () => {
    const { clock, link, reads } = reporter(500);
    link.live = false;
    reads.seen(7);
    clock.advance(500);
    expect(link.sent).toEqual([]);
    expect(reads.unsent()).toBeNull();
    link.live = true;
    expect(reads.unsent()).toBe(7);
    reads.resume();
    expect(link.sent).toEqual([7]);
    reads.resume();
    expect(link.sent).toEqual([7]);
  });

  it("resume leaves a running delay alone; cancel stops it", () => {
    const { clock, link, reads } = reporter(500);
    reads.seen(2);
    reads.resume();
    expect(link.sent).toEqual([]);
    reads.cancel();
    clock.advance(1000);
    expect(link.sent).toEqual([]);
    reads.resume();
    expect(link.sent).toEqual([2]);
  });

  it("a send the socket refused does not move our position, so it is tried again", () => {
    const { clock, link, reads } = reporter(500);
    link.accepts = false;
    reads.seen(4);
    clock.advance(500);
    expect(link.readSeq).toBe(0);
    link.accepts = true;
    reads.resume();
    expect(link.sent).toEqual([4]);
    expect(link.readSeq).toBe(4);
  });
});

describe("readFrom", () => {
  const state = { readSeq: 3, reads: [{ userId: BO, seq: 2 }] };

  it("our own position from another tab moves ours forward only", () => {
    expect(readFrom(state, ANA, { userId: ANA, seq: 5 })).toEqual({ readSeq: 5 });
    expect(readFrom(state, ANA, { userId: ANA, seq: 3 })).toBeNull();
  });

  it("another member's position moves theirs forward only, and a new reader is added", () => {
    expect(readFrom(state, ANA, { userId: BO, seq: 4 })).toEqual({ reads: [{ userId: BO, seq: 4 }] });
    expect(readFrom(state, ANA, { userId: BO, seq: 1 })).toBeNull();
    expect(readFrom(state, ANA, { userId: "user-cy", seq: 1 })).toEqual({
      reads: [
        { userId: BO, seq: 2 },
        { userId: "user-cy", seq: 1 },
      ],
    });
  });

  it("ignores a position that is not a whole number", () => {
    expect(readFrom(state, ANA, { userId: BO, seq: 2.5 })).toBeNull();
  });
});

describe("othersReads", () => {
  it("takes a snapshot's positions forward only and never keeps ours", () => {
    const next = othersReads(
      [{ userId: BO, seq: 6 }],
      [
        { userId: BO, seq: 4 },
        { userId: ANA, seq: 9 },
        { userId: "user-cy", seq: 3 },
      ],
      ANA,
    );
    expect(next).toEqual([
      { userId: BO, seq: 6 },
      { userId: "user-cy", seq: 3 },
    ]);
  });
});
