import { describe, expect, it } from "vitest";
import { CatchUp } from "../../src/network/catch-up";
import { message } from "./support/fixtures";

describe("CatchUp", () => {
  it("asks for the newest page or what follows a seq, and remembers which sync is awaited", () => {
    const catchUp = new CatchUp();
    expect(catchUp.inFlight).toBe(false);
    expect(catchUp.pending()).toBeNull();
    expect(catchUp.request(null)).toEqual({ action: "sync" });
    expect(catchUp.pending()).toEqual({ action: "sync" });
    expect(catchUp.answered()).toBeNull();
    expect(catchUp.inFlight).toBe(false);
    expect(catchUp.request(7)).toEqual({ action: "sync", afterSeq: 7 });
    expect(catchUp.answered()).toBe(7);
    expect(catchUp.answered()).toBeUndefined();
  });

  it("joins a snapshot sent in parts once the last part is here, and passes a whole one through", () => {
    const catchUp = new CatchUp();
    expect(catchUp.receive({ hasMore: false })).toEqual({ hasMore: false });
    expect(catchUp.receive({ part: 1, last: false, messages: [message(1)] })).toBeNull();
    const whole = catchUp.receive({ part: 2, last: true, messages: [message(2)], hasMore: true });
    expect(whole?.messages?.map((m) => m.seq)).toEqual([1, 2]);
    expect(whole?.hasMore).toBe(true);
  });

  it("a gap is worth a sync unless one is in flight or an earlier one could not fill it", () => {
    const catchUp = new CatchUp();
    expect(catchUp.noteServerSeq(5)).toBe(true);
    expect(catchUp.noteServerSeq(4)).toBe(false);
    expect(catchUp.gapToSync(5)).toBe(false);
    expect(catchUp.gapToSync(3)).toBe(true);
    catchUp.request(3);
    expect(catchUp.gapToSync(3)).toBe(false);
    const after = catchUp.answered() as number;
    // The page moved us no further: settle, and don't ask for that range again until a newer seq shows up.
    expect(catchUp.next({ after, hasMore: false, lastSeq: 3 })).toBe("done");
    expect(catchUp.gapToSync(3)).toBe(false);
    catchUp.noteServerSeq(6);
    expect(catchUp.gapToSync(3)).toBe(true);
  });

  it("asks for more while pages move us on and the server says there is more", () => {
    const catchUp = new CatchUp();
    expect(catchUp.next({ after: 3, hasMore: true, lastSeq: 50 })).toBe("more");
    expect(catchUp.next({ after: 50, hasMore: false, lastSeq: 60 })).toBe("done");
    expect(catchUp.next({ after: null, hasMore: true, lastSeq: 60 })).toBe("done");
  });

  it("reset forgets the sync in flight and half a snapshot, not the seq the server showed", () => {
    const catchUp = new CatchUp();
    catchUp.noteServerSeq(9);
    catchUp.request(2);
    catchUp.receive({ part: 1, last: false, messages: [message(3)] });
    catchUp.reset();
    expect(catchUp.inFlight).toBe(false);
    expect(catchUp.hasGap(8)).toBe(true);
    expect(
      catchUp.receive({ part: 2, last: true, messages: [message(4)] })?.messages?.map((m) => m.seq),
    ).toEqual([4]);
  });
});
