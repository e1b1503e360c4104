import { describe, expect, it } from "vitest";
import { dropNotice, MAX_NOTICES, problemOfFrame, pushNotice } from "../../src/network/notices";
import type { Notice } from "../../src/network/room-state";

const notice = (id: number): Notice => ({ id, tone: "error", kind: "frameTooLarge" });

describe("notices", () => {
  it("keeps the newest few, and drops one by id", () => {
    let notices: readonly Notice[] = [];
    for (let id = 1; id <= MAX_NOTICES + 2; id++) notices = pushNotice(notices, notice(id));
    expect(notices.map((n) => n.id)).toEqual([3, 4, 5]);
    expect(dropNotice(notices, 4).map((n) => n.id)).toEqual([3, 5]);
    expect(dropNotice(notices, 99)).toBe(notices);
  });

  it("reads an error frame as codes: issues and retryAfterMs when given, no words of its own", () => {
    expect(
      problemOfFrame({
        type: "error",
        code: "rate_limited",
        message: "slow down",
        action: "addTodo",
        retryAfterMs: 900,
      }),
    ).toEqual({ code: "rate_limited", message: "slow down", retryAfterMs: 900 });
    expect(
      problemOfFrame({
        type: "error",
        code: "bad_request",
        message: "m",
        issues: [{ path: ["t"], message: "x" }],
      }),
    ).toEqual({
      code: "bad_request",
      message: "m",
      issues: [{ path: ["t"], message: "x" }],
    });
  });
});
