import { describe, expect, it } from "vitest";
import { newClientId } from "../../src/network/client-ids";
import { limits } from "../../src/network/limits";

describe("newClientId", () => {
  it("is 128 random bits as 32 hex characters, within the contract's 64", () => {
    const id = newClientId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(id.length).toBeLessThanOrEqual(limits.clientId);
  });

  it("uses every hex digit in every position about equally (no modulo bias)", () => {
    const counts: number[][] = Array.from({ length: 32 }, () => new Array(16).fill(0));
    const n = 4_000;
    for (let i = 0; i < n; i++)
      for (const [position, digit] of [...newClientId()].entries()) {
        const column = counts[position] as number[];
        const value = Number.parseInt(digit, 16);
        column[value] = (column[value] ?? 0) + 1;
      }
    const expected = n / 16;
    for (const column of counts)
      for (const count of column) expect(Math.abs(count - expected)).toBeLessThan(expected * 0.4);
    expect(new Set(Array.from({ length: 1000 }, newClientId)).size).toBe(1000);
  });
});
