import { presenceWorker } from "@rooms/functions/workers";
import { describe, expect, it } from "vitest";
import { matchesAnyFilter } from "../../src/event-filter";

/** The presence worker's filter criteria, applied as Lambda's event filtering does, to DynamoDB stream records. */
const record = (eventName: string, pk: string) => ({
  eventName,
  dynamodb: { Keys: { pk: { S: pk }, sk: { S: "$connection_1" } } },
});

describe("event filter patterns", () => {
  it("the presence filter keeps connection INSERTs and REMOVEs, nothing else", () => {
    const keep = (r: unknown) => matchesAnyFilter(presenceWorker.filters, r);
    expect(keep(record("INSERT", "$rooms#connectionId_abc="))).toBe(true);
    expect(keep(record("REMOVE", "$rooms#connectionId_abc="))).toBe(true);
    expect(keep(record("MODIFY", "$rooms#connectionId_abc="))).toBe(false);
    expect(keep(record("INSERT", "$rooms#roomId_01ARZ3NDEKTSV4RRFFQ69G5FAV"))).toBe(false);
    expect(keep({ eventName: "INSERT" })).toBe(false);
  });

  it("supports exists and anything-but, matches any of several patterns, and keeps everything without patterns", () => {
    const patterns = [{ a: [{ exists: true }] }, { b: [{ "anything-but": ["x"] }] }];
    expect(matchesAnyFilter(patterns, { a: 1 })).toBe(true);
    expect(matchesAnyFilter(patterns, { b: "y" })).toBe(true);
    expect(matchesAnyFilter(patterns, { b: "x" })).toBe(false);
    expect(matchesAnyFilter(patterns, {})).toBe(false);
    expect(matchesAnyFilter([], { anything: true })).toBe(true);
  });

  it("refuses a pattern it does not understand instead of guessing", () => {
    expect(() => matchesAnyFilter([{ a: "literal" }], { a: "literal" })).toThrow(/array of alternatives/);
    expect(() => matchesAnyFilter([{ a: [{ numeric: [">", 1] }] }], { a: 2 })).toThrow(/Unsupported/);
  });
});
