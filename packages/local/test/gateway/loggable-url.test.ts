import { describe, expect, it } from "vitest";
import { loggableUrl } from "../../src/loggable-url";

describe("loggableUrl (what the gateway's log lines show of a request URL)", () => {
  it("keeps the names of query parameters and drops their values", () => {
    expect(loggableUrl("/?ticket=abc.def&roomId=01ARZ3NDEKTSV4RRFFQ69G5FAV")).toBe("/?ticket=…&roomId=…");
    expect(loggableUrl("/rooms/R1/messages?limit=5&before=12")).toBe("/rooms/R1/messages?limit=…&before=…");
    expect(loggableUrl("/?ticket")).toBe("/?ticket=…");
    expect(loggableUrl("/?")).toBe("/?");
  });

  it("leaves an invite code out of the path, however `invites` is spelled", () => {
    expect(loggableUrl("/invites/Zm9vYmFyYmF6cXV4")).toBe("/invites/…");
    expect(loggableUrl("/INVITES/Zm9vYmFyYmF6cXV4?x=1")).toBe("/INVITES/…?x=…");
    expect(loggableUrl("/%69nvites/Zm9vYmFyYmF6cXV4")).toBe("/%69nvites/…");
    expect(loggableUrl("/invites/Zm9v/extra")).toBe("/invites/…/extra");
  });

  it("keeps paths that carry no secret as they are", () => {
    expect(loggableUrl("/rooms/R1/invites")).toBe("/rooms/R1/invites");
    expect(loggableUrl("/rooms/R1/invites/")).toBe("/rooms/R1/invites/");
    expect(loggableUrl("/%E0%A4%A/x")).toBe("/%E0%A4%A/x");
    expect(loggableUrl(undefined)).toBe("/");
  });
});
