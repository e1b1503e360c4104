import { describe, expect, it } from "vitest";
import {
  describeEnd,
  describeFailure,
  describeNotice,
  describeProblem,
  describeRefusal,
} from "../../src/components/problem-text";
import { ApiError } from "../../src/network/api-error";

describe("problem text (the only place codes become words)", () => {
  it("describes problems in words, never leaking internals at 500", () => {
    expect(describeProblem({ code: "internal", message: "DynamoDB exploded at line 3" })).not.toContain(
      "DynamoDB",
    );
    expect(describeProblem({ code: "network" })).toMatch(/reach the server/);
    expect(
      describeProblem({
        code: "bad_request",
        message: "x",
        issues: [{ path: ["name"], message: "is too long" }],
      }),
    ).toBe("That wasn't accepted: name is too long.");
    expect(describeProblem({ code: "rate_limited", retryAfterMs: 2500 })).toMatch(/3 s/);
    expect(
      describeFailure(new ApiError({ code: "forbidden", message: "Only the owner", status: 403 })),
    ).toMatch(/not allowed/);
    expect(describeFailure(new Error("boom"))).toMatch(/unexpected/);
  });

  it("words every refusal and notice", () => {
    expect(describeRefusal("offline")).toMatch(/not connected/);
    expect(describeRefusal("todoTitleMissing")).toBe("Give the todo a title.");
    expect(describeRefusal("tooLong")).toContain("4000");
    expect(describeRefusal("tooManyMentions")).toContain("20");
    expect(describeNotice({ id: 1, tone: "info", kind: "todoConflict", todoTitle: "their edit" })).toContain(
      "“their edit” was changed by someone else",
    );
    expect(
      describeNotice({
        id: 2,
        tone: "error",
        kind: "refused",
        problem: { code: "bad_request", message: "title is too long" },
      }),
    ).toBe("That wasn't accepted: title is too long.");
    expect(describeNotice({ id: 3, tone: "error", kind: "frameTooLarge" })).toMatch(/too large/);
    expect(describeNotice({ id: 4, tone: "info", kind: "slowedDown", retryAfterMs: 2_100 })).toMatch(
      /by itself in 3 s/,
    );
    expect(describeRefusal("cannotMove")).toMatch(/can't move/);
  });

  it("says which refusal of a change to a sent message it was, and words other refusals of them in general", () => {
    const refused = (action: string, code: string) =>
      describeNotice({ id: 1, tone: "error", kind: "refused", action, problem: { code, message: "m" } });
    expect(refused("editMessage", "forbidden")).toBe("Only its author can edit a message.");
    expect(refused("deleteMessage", "forbidden")).toMatch(/author or the room's owner/);
    expect(refused("react", "not_found")).toBe("That message is no longer there.");
    expect(refused("react", "limit_reached")).toMatch(/as many different reactions/);
    expect(refused("react", "bad_request")).toBe("That wasn't accepted: m.");
    expect(refused("addTodo", "forbidden")).toBe("You're not allowed to do that here.");
  });

  it("words the ends a person can try again after, and only those", () => {
    expect(describeEnd("room_full")).toMatch(/full/);
    expect(describeEnd("refused")).toMatch(/refusing/);
    expect(describeEnd("too_large")).toMatch(/more than the server can send/);
    for (const reason of ["stopped", "removed", "not_found", "signed_out", null] as const)
      expect(describeEnd(reason)).toBeNull();
  });
});
