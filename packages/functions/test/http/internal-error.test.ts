import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpEvent } from "../support/events";
import { captureLogs, loadHandler, parseBody, startHandlerEnv } from "../support/handler-env";

// A table that does not exist: every DynamoDB call fails with ResourceNotFoundException, an unexpected error.
let env: Awaited<ReturnType<typeof startHandlerEnv>>;
beforeAll(async () => {
  env = await startHandlerEnv({ tableName: "functions-no-such-table" });
});
afterAll(() => env.close());

describe("an unexpected error", () => {
  it("answers 500 internal with a generic message and logs the stack", async () => {
    const logs = await captureLogs();
    const listRooms = await loadHandler("http/list-rooms");
    const { token } = await env.signIn("Ann");
    const response = await listRooms(httpEvent("GET /rooms", { query: {}, token }));
    expect(response.statusCode).toBe(500);
    expect(parseBody(response)).toEqual({ error: { code: "internal", message: "Internal error" } });
    expect(response.body).not.toMatch(/ResourceNotFound|table|dynamo/i);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      level: "ERROR",
      route: "GET /rooms",
      statusCode: 500,
      errorCode: "internal",
    });
    expect(JSON.stringify(logs[0]!.error)).toMatch(
      /ResourceNotFound|non-existent table|Cannot do operations/i,
    );
    expect(logs[0]!.error.stack).toEqual(expect.stringContaining("at "));
  });

  it("is never reached without a valid token: 401 comes first, before any read", async () => {
    const logs = await captureLogs();
    const listRooms = await loadHandler("http/list-rooms");
    const response = await listRooms(httpEvent("GET /rooms", { query: {} }));
    expect(response.statusCode).toBe(401);
    expect(parseBody(response).error.code).toBe("unauthorized");
    expect(logs).toEqual([
      expect.objectContaining({ level: "INFO", statusCode: 401, errorCode: "unauthorized" }),
    ]);
  });

  it("on a WebSocket frame becomes an internal error frame to the sender, and 200 to API Gateway", async () => {
    const { wsMessageEvent } = await import("../support/events");
    const ping = await loadHandler("ws/ping");
    const response = await ping(wsMessageEvent("conn-internal=", { action: "ping" }));
    expect(response).toEqual({ statusCode: 200 });
    expect(env.connections.framesFor("conn-internal=")).toEqual([
      { type: "error", code: "internal", message: "Internal error", action: "ping" },
    ]);
  });

  it("in the ticket authorizer is not a 401: API Gateway must answer 500, not tell the client its ticket is bad", async () => {
    const { wsAuthorizerEvent } = await import("../support/events");
    const authorize = await loadHandler("ws/authorize");
    const error = await authorize(wsAuthorizerEvent("conn-authz=", { ticket: "A".repeat(43) })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toBe("Unauthorized");
  });
});
