import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "../../src/net";

describe("isLoopbackHost", () => {
  it("accepts this machine's addresses, with or without a port", () => {
    for (const host of [
      "127.0.0.1",
      "localhost",
      "LOCALHOST",
      "[::1]",
      "::1",
      "127.0.0.1:3002",
      "localhost:8000",
      "[::1]:3001",
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
  });

  it("refuses every other host", () => {
    for (const host of [
      "abc.execute-api.eu-west-1.amazonaws.com",
      "10.0.0.5",
      "127.0.0.2",
      "localhost.example.com",
      ":",
      "",
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
