import { describe, expect, it } from "vitest";
import { normaliseDisplayName, parseStoredSession } from "../../src/session/stored-session";

const NOW = Date.parse("2025-06-01T00:00:00.000Z");
const grant = {
  token: "eyJ.x.y",
  user: { userId: "u1", name: "Ana" },
  expiresAt: "2025-07-01T00:00:00.000Z",
};

describe("stored session", () => {
  it("reads back a stored session", () => {
    expect(parseStoredSession(JSON.stringify(grant), NOW)).toEqual(grant);
  });

  it("treats anything malformed, expired or about to expire as no session (the name form comes back)", () => {
    for (const text of [
      null,
      "",
      "Ana",
      "null",
      "[]",
      JSON.stringify({ ...grant, token: "" }),
      JSON.stringify({ ...grant, user: { name: "Ana" } }),
    ]) {
      expect(parseStoredSession(text, NOW)).toBeNull();
    }
    expect(
      parseStoredSession(JSON.stringify({ ...grant, expiresAt: "2025-05-31T23:59:00.000Z" }), NOW),
    ).toBeNull();
    expect(
      parseStoredSession(JSON.stringify({ ...grant, expiresAt: "2025-06-01T00:00:30.000Z" }), NOW),
    ).toBeNull();
    expect(parseStoredSession(JSON.stringify({ ...grant, expiresAt: "soon" }), NOW)).toBeNull();
  });

  it("counts a display name as the server does: NFKC, trimmed, in code points", () => {
    expect(normaliseDisplayName("  ＡＮＡ  ")).toEqual({ name: "ANA", length: 3 });
    expect(normaliseDisplayName("😀".repeat(40)).length).toBe(40);
  });
});
