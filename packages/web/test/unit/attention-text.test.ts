import { describe, expect, it } from "vitest";
import {
  badgeCount,
  listNames,
  seenByText,
  typingText,
  unreadText,
} from "../../src/components/attention-text";

describe("attention text", () => {
  it("words unread counts for the rooms list", () => {
    expect(unreadText({ unread: 3, mentions: 1 })).toBe("3 unread, 1 mention");
    expect(unreadText({ unread: 3, mentions: 2 })).toBe("3 unread, 2 mentions");
    expect(unreadText({ unread: 1, mentions: 0 })).toBe("1 unread");
    expect(unreadText({ unread: 0, mentions: 0 })).toBe("");
    expect(badgeCount(7)).toBe("7");
    expect(badgeCount(100)).toBe("99+");
  });

  it("lists names, then a count", () => {
    expect(listNames(["Ana"])).toBe("Ana");
    expect(listNames(["Ana", "Bo"])).toBe("Ana and Bo");
    expect(listNames(["Ana", "Bo", "Cleo"])).toBe("Ana, Bo and Cleo");
    expect(listNames(["Ana", "Bo", "Cleo", "Dee"])).toBe("Ana, Bo, Cleo and 1 other");
    expect(listNames(["Ana", "Bo", "Cleo", "Dee", "Eve"])).toBe("Ana, Bo, Cleo and 2 others");
    expect(seenByText(["Bo"])).toBe("Seen by Bo");
    expect(seenByText([])).toBe("");
  });

  it("says who is typing", () => {
    expect(typingText([])).toBe("");
    expect(typingText(["Bo"])).toBe("Bo is typing…");
    expect(typingText(["Ana", "Bo"])).toBe("Ana and Bo are typing…");
    expect(typingText(["Ana", "Bo", "Cleo"])).toBe("Several people are typing…");
  });
});
