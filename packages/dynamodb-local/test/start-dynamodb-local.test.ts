import { describe, expect, it } from "vitest";
import { assertLocalEndpoint, startDynamoDbLocal } from "../src";

describe("startDynamoDbLocal", () => {
  it("rejects at once with a clear message when java is not on PATH (no hang, no silent pass)", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const started = Date.now();
      await expect(startDynamoDbLocal({ timeoutMs: 20_000 })).rejects.toThrow(/needs Java 17\+.*not on PATH/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      process.env.PATH = path;
    }
  });

  it("resolves only once the server answers requests, and stop() frees the port", async () => {
    const dynamo = await startDynamoDbLocal();
    const listTables = () =>
      fetch(dynamo.endpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "DynamoDB_20120810.ListTables",
          authorization:
            "AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        },
        body: "{}",
      });
    expect((await listTables()).status).toBe(200);
    await dynamo.stop();
    await expect(listTables()).rejects.toThrow();
  }, 60_000);
});

describe("assertLocalEndpoint", () => {
  it("accepts loopback and refuses anything else, including no endpoint", () => {
    expect(assertLocalEndpoint("http://127.0.0.1:8000")).toBe("http://127.0.0.1:8000");
    expect(assertLocalEndpoint("http://localhost:8000")).toBe("http://localhost:8000");
    expect(() => assertLocalEndpoint("https://dynamodb.eu-west-1.amazonaws.com")).toThrow(
      /Refusing non-local/,
    );
    expect(() => assertLocalEndpoint("http://10.0.0.5:8000")).toThrow(/Refusing non-local/);
    expect(() => assertLocalEndpoint(undefined)).toThrow(/No DynamoDB endpoint/);
  });
});
