import { describe, expect, it } from "vitest";
import {
  insertMention,
  mentionedUserIds,
  mentionQueryAt,
  mentionSegments,
  suggestMembers,
} from "../../src/room/mentions";

const people = [
  { userId: "u-ana", name: "Ana" },
  { userId: "u-bo", name: "Bo" },
  { userId: "u-bob", name: "Bob Marley" },
  { userId: "u-zo", name: "Zoë Boyd" },
];

describe("mentions", () => {
  it("finds the @ being typed at the caret, only at the start of a word", () => {
    expect(mentionQueryAt("hi @bo", 6)).toEqual({ start: 3, query: "bo" });
    expect(mentionQueryAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionQueryAt("(@An", 4)).toEqual({ start: 1, query: "An" });
    expect(mentionQueryAt("mail me@bo.com", 14)).toBeNull();
    expect(mentionQueryAt("hi @bo there", 12)).toBeNull();
    expect(mentionQueryAt("hi @bo there", 6)).toEqual({ start: 3, query: "bo" });
  });

  it("suggests members by name or by a word of it, case-insensitively, never me, whole-name matches first", () => {
    expect(suggestMembers({ people, query: "bo", me: "u-ana" }).map((p) => p.name)).toEqual([
      "Bo",
      "Bob Marley",
      "Zoë Boyd",
    ]);
    expect(suggestMembers({ people, query: "", me: "u-bo" }).map((p) => p.name)).toEqual([
      "Ana",
      "Bob Marley",
      "Zoë Boyd",
    ]);
    expect(suggestMembers({ people, query: "ZOË", me: "u-ana" }).map((p) => p.name)).toEqual(["Zoë Boyd"]);
    expect(suggestMembers({ people, query: "x", me: "u-ana" })).toEqual([]);
    expect(suggestMembers({ people, query: "", me: "u-ana", max: 2 })).toHaveLength(2);
  });

  it("replaces the query with @Name and a space, and puts the caret after it", () => {
    const text = "hey @bo how are you";
    const mention = mentionQueryAt(text, 7)!;
    expect(insertMention({ text, caret: 7, mention, name: "Bob Marley" })).toEqual({
      text: "hey @Bob Marley how are you",
      caret: 16,
    });
    expect(insertMention({ text: "@a", caret: 2, mention: mentionQueryAt("@a", 2)!, name: "Ana" })).toEqual({
      text: "@Ana ",
      caret: 5,
    });
  });

  it("cuts text into plain and @Name runs: the longest name wins and a name ends where a word ends", () => {
    expect(mentionSegments("@Bob Marley and @Bo, not @Bobby", ["Bo", "Bob Marley"])).toEqual([
      { text: "@Bob Marley", mention: true },
      { text: " and ", mention: false },
      { text: "@Bo", mention: true },
      { text: ", not @Bobby", mention: false },
    ]);
    expect(mentionSegments("plain", [])).toEqual([{ text: "plain", mention: false }]);
    expect(mentionSegments("", ["Bo"])).toEqual([{ text: "", mention: false }]);
  });

  it("mentions only the picked people whose @Name is still in the text, each once", () => {
    const picked = [people[1]!, people[2]!, people[1]!];
    expect(mentionedUserIds("@Bo and @Bo again", picked)).toEqual(["u-bo"]);
    expect(mentionedUserIds("@Bob Marley", picked)).toEqual(["u-bob"]);
    expect(mentionedUserIds("nobody", picked)).toEqual([]);
  });
});
