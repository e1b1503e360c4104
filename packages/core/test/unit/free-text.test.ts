import { describe, expect, it } from "vitest";
import { safeParse } from "zod/mini";
import { displayName, messageText, roomName, todoTitle } from "../../src/text";

const accepted = (schema: typeof messageText, raw: string) => {
  const result = safeParse(schema, raw);
  if (!result.success)
    throw new Error(`expected ${JSON.stringify(raw)} to be accepted: ${result.error.message}`);
  return result.data;
};
const refusal = (schema: typeof messageText, raw: string) => {
  const result = safeParse(schema, raw);
  if (result.success) throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
  return result.error.issues.map((issue) => issue.message);
};

const fields = { displayName, roomName, messageText, todoTitle };

describe.each(Object.entries(fields))("%s", (_name, schema) => {
  it.each([
    ["a C0 control", "a\u0000b"],
    ["ESC", "red\u001b[31m"],
    ["DEL", "a\u007fb"],
    ["a C1 control", "a\u0085b"],
    ["carriage return", "a\rb"],
    ["a bidi override", "file\u202etxt.exe"],
    ["a bidi embedding", "\u202aabc"],
    ["a bidi isolate", "a\u2066b\u2069"],
    ["a left-to-right mark", "a\u200eb"],
    ["a right-to-left mark", "a\u200fb"],
    ["an Arabic letter mark", "a\u061cb"],
    ["zero-width characters only", "\u200b\u200c\u200d\ufeff"],
    ["white space only", " \u00a0 "],
    ["an unpaired high surrogate", "a\ud800b"],
    ["an unpaired low surrogate", "a\udc00"],
    ["nothing", ""],
  ])("refuses %s", (_what, raw) => {
    expect(refusal(schema, raw).length).toBeGreaterThan(0);
  });

  it("accepts ordinary text in any script, emoji and paired surrogates", () => {
    expect(accepted(schema, "Grüße 世界 مرحبا 👩‍💻")).toContain("👩‍💻");
  });
});

describe("line breaks and tabs", () => {
  it("are kept in message text, refused in names and titles", () => {
    expect(accepted(messageText, "line one\n\tline two")).toBe("line one\n\tline two");
    for (const schema of [displayName, roomName, todoTitle])
      expect(refusal(schema, "line one\nline two")).toContain("must not contain control characters");
  });
});

describe("normalisation", () => {
  it("applies NFKC to names only (identifiers), never to message text or titles", () => {
    expect(accepted(roomName, " Ｌｏｂｂｙ ﬁle ")).toBe("Lobby file");
    expect(accepted(displayName, "Ａｎｎ")).toBe("Ann");
    expect(accepted(messageText, "Ｌｏｂｂｙ")).toBe("Ｌｏｂｂｙ");
    expect(accepted(todoTitle, "  ﬁle  ")).toBe("ﬁle");
  });

  it("counts code points, after normalisation", () => {
    expect(accepted(roomName, "😀".repeat(80))).toHaveLength(160);
    expect(refusal(roomName, "😀".repeat(81))).toContain("must be at most 80 characters");
    expect(accepted(todoTitle, "a".repeat(200))).toHaveLength(200);
    expect(refusal(todoTitle, "a".repeat(201))).toContain("must be at most 200 characters");
    expect(refusal(messageText, "a".repeat(4001))).toContain("must be at most 4000 characters");
  });
});
