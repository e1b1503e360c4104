import { describe, expect, it } from "vitest";
import { parseInput, ValidationError } from "../../src/errors";
import { displayName, sessionInput } from "../../src/identity";

const accepted = (raw: unknown) => {
  const result = displayName.safeParse(raw);
  if (!result.success)
    throw new Error(`expected ${JSON.stringify(raw)} to be accepted: ${result.error.message}`);
  return result.data;
};
const refused = (raw: unknown) => !displayName.safeParse(raw).success;

describe("display names", () => {
  it("are NFKC-normalised and trimmed, and the normalised form is what is kept", () => {
    expect(accepted("ｆｕｌｌ")).toBe("full");
    expect(accepted("  Ann  ")).toBe("Ann");
    expect(accepted("\u00a0Ann\u3000")).toBe("Ann"); // NBSP and ideographic space are spaces after NFKC
    expect(accepted("ﬁsh")).toBe("fish"); // the ligature decomposes
    expect(accepted("Cafe\u0301")).toBe("Café"); // composed: one code point for é
    expect([...accepted("Cafe\u0301")]).toHaveLength(4);
  });

  it("keep ordinary text of every script as it is", () => {
    for (const name of ["Ann", "Zoë", "李小龍", "Анна", "محمد", "😀 party", "a\u200bb"])
      expect(accepted(name)).toBe(name);
  });

  it("count code points, so an astral character (emoji) is one of the 40", () => {
    expect(accepted("😀".repeat(40))).toBe("😀".repeat(40));
    expect("😀".repeat(40)).toHaveLength(80); // 80 UTF-16 units, still 40 characters
    expect(refused("😀".repeat(41))).toBe(true);
    expect(accepted("x".repeat(40))).toHaveLength(40);
    expect(refused("x".repeat(41))).toBe(true);
  });

  it("count length after normalisation and trimming", () => {
    // 40 characters plus surrounding spaces is still 40.
    expect(accepted(`   ${"y".repeat(40)}   `)).toBe("y".repeat(40));
    // Full-width letters are single code points before and after NFKC.
    expect(accepted("ｘ".repeat(40))).toBe("x".repeat(40));
    // U+FDFA expands to 18 characters under NFKC: 3 of them are 54 characters, over the limit.
    expect(refused("\ufdfa".repeat(3))).toBe(true);
  });

  it("refuse empty and whitespace-only names", () => {
    for (const raw of ["", " ", "   ", "\u3000", "\u00a0"])
      expect(refused(raw), JSON.stringify(raw)).toBe(true);
  });

  it.each([
    ["NUL", "A\u0000n"],
    ["TAB inside", "An\tn"],
    ["LF inside", "An\nn"],
    ["ESC", "An\u001bn"],
    ["DEL", "An\u007fn"],
    ["C1 NEL", "An\u0085n"],
    ["C1 CSI", "\u009bAnn"],
    ["C1 at the end", "Ann\u009f"],
  ])("refuse control characters (%s)", (_, raw) => {
    expect(refused(raw)).toBe(true);
  });

  it.each([
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
  ])("refuse the bidi control U+%s anywhere in the name", (mark) => {
    expect(refused(`Ann${mark}`)).toBe(true);
    expect(refused(`${mark}Ann`)).toBe(true);
    expect(refused(`A${mark}nn`)).toBe(true);
  });

  it("refuse the right-to-left override trick", () => {
    expect(refused("invoice\u202egnp.exe")).toBe(true);
  });

  it.each([
    ["two zero-width spaces", "\u200b\u200b"],
    ["zero-width joiner and non-joiner", "\u200c\u200d"],
    ["word joiner", "\u2060"],
    ["byte order mark", "\ufeff"],
    ["zero-width space between spaces", " \u200b "],
    ["Hangul filler", "\u3164"],
  ])("refuse invisible-only names (%s)", (_, raw) => {
    expect(refused(raw)).toBe(true);
  });

  it("refuse unpaired surrogates, alone or inside text, high or low", () => {
    for (const raw of ["\ud800", "\udfff", "Ann\ud83d", "\ude00Ann", "A\ud800nn", "\ude00\ud83d"]) {
      expect(refused(raw), JSON.stringify(raw)).toBe(true);
    }
    // A proper pair is one character and fine.
    expect(accepted("\ud83d\ude00")).toBe("😀");
  });

  it("refuse anything that is not a string", () => {
    for (const raw of [undefined, null, 42, ["Ann"], { name: "Ann" }]) expect(refused(raw)).toBe(true);
  });

  it("surface as a ValidationError naming `name` when a session is started", () => {
    const error = (() => {
      try {
        parseInput(sessionInput, { name: "\u202eAnn" });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([["name"]]);
  });

  // Regression: String.prototype.trim removes TAB, LF, VT, FF and CR, so a control check made after trimming
  // let a name that starts or ends with one through, silently cleaned up.
  it("refuse C0 controls at either end too, not only inside", () => {
    for (const raw of ["Ann\n", "\tAnn", "Ann\r", "\u000bAnn", "Ann\u000c"])
      expect(refused(raw), JSON.stringify(raw)).toBe(true);
  });

  // Regression: a hand-picked list of invisible characters let names made only of other zero-width (Unicode
  // Default_Ignorable) code points through: invisible operators U+2061–2064, deprecated format characters
  // U+206A–206F, variation selectors, tag characters, Khmer inherent vowels, musical and shorthand format controls.
  it("refuse names made only of any zero-width (default-ignorable) characters", () => {
    for (const raw of [
      "\u2062\u2062",
      "\u2061",
      "\u206a",
      "\ufe0f\ufe0f",
      "\u{e0041}\u{e0042}",
      "\u17b4",
      "\u{1d173}",
      "\u{1bca0}",
    ]) {
      expect(refused(raw), [...raw].map((c) => `U+${c.codePointAt(0)!.toString(16)}`).join(" ")).toBe(true);
    }
  });

  it("still accept a visible name that carries a variation selector (emoji presentation)", () => {
    expect(accepted("\u2764\ufe0f Ann")).toBe("\u2764\ufe0f Ann");
  });
});
