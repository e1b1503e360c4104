import middy from "@middy/core";
import { LimitReachedError, RateLimitedError } from "@rooms/core/errors";
import { describe, expect, it } from "vitest";
import { describeError } from "../../src/errors/describe-error";
import { httpErrorMapper } from "../../src/middleware/http-error-mapper";
import { wsErrorFrame } from "../../src/middleware/ws-error-frame";
import type { WebSocketEvent } from "../../src/middleware/ws-event";

const refusal = (error: Error) => async () => {
  throw error;
};

describe("limit errors in the one error mapping", () => {
  it("rate_limited is 429 with retryAfterMs in the body and Retry-After (whole seconds) on HTTP", async () => {
    expect(describeError(new RateLimitedError("slow down", 1_234.2))).toMatchObject({
      status: 429,
      code: "rate_limited",
      retryAfterMs: 1_235,
    });
    const handler = middy(refusal(new RateLimitedError("slow down", 1_500))).use(httpErrorMapper());
    const response = (await handler({}, {} as never)) as {
      statusCode: number;
      headers: object;
      body: string;
    };
    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({ "retry-after": "2" });
    expect(JSON.parse(response.body)).toEqual({
      error: { code: "rate_limited", message: "slow down", retryAfterMs: 1_500 },
    });
  });

  it("limit_reached is 409 over HTTP and refuses a WebSocket handshake with 403", async () => {
    const http = middy(refusal(new LimitReachedError("full"))).use(httpErrorMapper());
    const httpResponse = (await http({}, {} as never)) as { statusCode: number; body: string };
    expect(httpResponse.statusCode).toBe(409);
    expect(JSON.parse(httpResponse.body).error.code).toBe("limit_reached");

    const connect = middy(refusal(new LimitReachedError("full"))).use(wsErrorFrame());
    const event = { requestContext: { eventType: "CONNECT", routeKey: "$connect" } } as WebSocketEvent;
    const handshake = (await connect(event, {} as never)) as { statusCode: number; body: string };
    expect(handshake.statusCode).toBe(403);
    expect(JSON.parse(handshake.body).error).toEqual({ code: "limit_reached", message: "full" });
  });

  it("a refused frame gets an error frame with retryAfterMs, to the sender alone", async () => {
    const sent: unknown[] = [];
    const deliver = async (_event: WebSocketEvent, frame: unknown) => {
      sent.push(frame);
      return { delivered: 1, pruned: 0, failed: 0, retried: 0 };
    };
    const frame = middy(refusal(new RateLimitedError("slow down", 80))).use(wsErrorFrame({ deliver }));
    const event = {
      requestContext: { eventType: "MESSAGE", routeKey: "ping", connectionId: "c1" },
      body: { action: "ping" },
    } as unknown as WebSocketEvent;
    expect(await frame(event, {} as never)).toEqual({ statusCode: 200 });
    expect(sent).toEqual([
      { type: "error", code: "rate_limited", message: "slow down", retryAfterMs: 80, action: "ping" },
    ]);
  });
});
