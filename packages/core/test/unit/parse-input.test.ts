import { describe, expect, it } from "vitest";
import { parseInput, ValidationError } from "../../src/errors";
import { newId } from "../../src/ids";
import { Room } from "../../src/room";

describe("parseInput", () => {
  it("returns parsed data with defaults and trims", () => {
    expect(parseInput(Room.createInput, { name: "  hi " })).toEqual({ name: "hi", visibility: "public" });
    expect(parseInput(Room.createInput, { name: "hi", visibility: "private" })).toEqual({
      name: "hi",
      visibility: "private",
    });
    expect(parseInput(Room.listInput, {})).toEqual({ limit: 50 });
    expect(parseInput(Room.listInput, { limit: "7" })).toEqual({ limit: 7 });
  });

  it("throws a ValidationError naming the field, with every issue listed", () => {
    const error = (() => {
      try {
        parseInput(Room.listInput, { limit: "0", cursor: "x" });
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.code).toBe("bad_request");
    expect(error!.status).toBe(400);
    expect(error!.message).toMatch(/^Invalid input: limit: /);
    expect(error!.issues.map((i) => i.path[0])).toEqual(["limit", "cursor"]);
  });

  it("refuses instead of clamping out-of-range limits", () => {
    for (const limit of ["0", "101", "-1", "2.5", "abc", ""]) {
      expect(() => parseInput(Room.listInput, { limit })).toThrow(ValidationError);
    }
  });
});

describe("ids", () => {
  it("are ULIDs that sort in issue order, even within one millisecond", () => {
    const now = Date.now();
    const ids = Array.from({ length: 100 }, () => newId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(100);
    expect(ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});

describe("domain errors", () => {
  it("refuse an unknown visibility and say which field", () => {
    expect(() => parseInput(Room.createInput, { name: "x", visibility: "secret" })).toThrow(/visibility/);
  });
});
