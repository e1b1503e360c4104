import { describe, expect, it } from "vitest";
import { initials } from "../../src/components/initials";

describe("initials", () => {
  it("takes the first character of the first and last words, in capitals", () => {
    expect(initials("Bo")).toBe("B");
    expect(initials("ana maria lima")).toBe("AL");
    expect(initials("  Zoë   Ōta ")).toBe("ZŌ");
  });

  it("keeps a character the reader sees as one whole, and shows ? for no name", () => {
    expect(initials("👩🏽‍🚀 Crew")).toBe("👩🏽‍🚀C");
    expect(initials("e\u0301lodie")).toBe("E\u0301");
    expect(initials("   ")).toBe("?");
  });
});
