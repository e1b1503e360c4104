import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { classifyPostError } from "@rooms/core/broadcast";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventually } from "../../../../test/support/wait";
import { connectClient } from "../../../../test/support/ws-client";
import { slidingWindowLimiter } from "../../src/connections-api";
import { type InlineGateway, startInlineGateway } from "../support/inline-gateway";

/**
 * GATEWAY_POST_RATE: the local @connections API throttles PostToConnection like API Gateway's account limit.
 * The gateway runs in this process and reads its throttle's clock from `performance.now()`, which these tests
 * stop: a burst's requests all fall in one window however long a busy machine takes to serve them (30 of them
 * took over a second beside two busy cores, and 14 to 20 got through), and a window passes when a test says so.
 */
let gateway: InlineGateway;
let noRetries: ApiGatewayManagementApiClient;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["performance"] });
  gateway = await startInlineGateway({ postRateLimit: 10 });
  // One attempt per call: the SDK's own retries on 429 would spend the window and blur the count.
  noRetries = new ApiGatewayManagementApiClient({
    endpoint: gateway.connectionsUrl,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  noRetries?.destroy();
  await gateway?.stop();
  vi.useRealTimers();
});

async function connectWithId() {
  const client = await connectClient(gateway.wsUrl);
  const connectionId: string = gateway.recorded.$connect?.at(-1).requestContext.connectionId;
  return { client, connectionId };
}

const post = (connectionId: string, data: string) =>
  fetch(`${gateway.connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`, {
    method: "POST",
    headers: { authorization: "AWS4-HMAC-SHA256 Credential=local/x" },
    body: data,
  });

/** Lets the current window run out (on the stopped clock), so each test starts with the full allowance. */
const nextWindow = () => void vi.advanceTimersByTime(1_100);

describe("GATEWAY_POST_RATE (postRateLimit: 10)", () => {
  it("30 quick posts: 10 delivered, 20 answered 429 LimitExceededException; the window refills after a second", async () => {
    nextWindow();
    const { client, connectionId } = await connectWithId();
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => post(connectionId, `{"n":${i}}`)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    for (const response of responses.filter((r) => r.status === 429)) {
      expect(response.headers.get("x-amzn-errortype")).toBe("LimitExceededException");
      expect(await response.json()).toEqual({ message: "Rate exceeded" });
    }
    for (let i = 0; i < 10; i++) await client.next();
    await new Promise((r) => setTimeout(r, 200));
    expect(client.frames).toHaveLength(10); // the refused ones never reach the socket

    nextWindow();
    const again = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(connectionId, `{"again":${i}}`)),
    );
    expect(again.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect((await post(connectionId, "{}")).status).toBe(429);
    await client.close();
  });

  it("counts every connection together, as the account-wide throttle does", async () => {
    nextWindow();
    const a = await connectWithId();
    const b = await connectWithId();
    const statuses = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        post(i % 2 ? a.connectionId : b.connectionId, "{}").then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    await a.client.close();
    await b.client.close();
  });

  it("the real SDK client sees LimitExceededException (429), which the broadcast treats as retryable", async () => {
    nextWindow();
    const { client, connectionId } = await connectWithId();
    const outcomes = await Promise.all(
      Array.from({ length: 11 }, () =>
        noRetries.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: "{}" })).then(
          () => "delivered",
          (error: Error & { $metadata?: { httpStatusCode?: number } }) => error,
        ),
      ),
    );
    const errors = outcomes.filter(
      (outcome): outcome is Error & { $metadata: { httpStatusCode?: number } } => outcome !== "delivered",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.name).toBe("LimitExceededException");
    expect(errors[0]?.$metadata.httpStatusCode).toBe(429);
    expect(classifyPostError(errors[0]).status).toBe("retryable");
    await client.close();
  });

  it("throttled posts to gone connections are 429 too (the throttle stands before the integration); GET and DELETE are not throttled", async () => {
    nextWindow();
    const { client, connectionId } = await connectWithId();
    for (let i = 0; i < 10; i++) expect((await post("AAAAAAAAAAAAAAA=", "{}")).status).toBe(410);
    expect((await post("AAAAAAAAAAAAAAA=", "{}")).status).toBe(429);
    const get = await fetch(`${gateway.connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`, {
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=local/x" },
    });
    expect(get.status).toBe(200);
    const del = await fetch(`${gateway.connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`, {
      method: "DELETE",
      headers: { authorization: "AWS4-HMAC-SHA256 Credential=local/x" },
    });
    expect(del.status).toBe(204);
    await client.closed;
    await eventually(() =>
      gateway.recorded.$disconnect?.some((e) => e.requestContext.connectionId === connectionId),
    );
  });
});

describe("slidingWindowLimiter", () => {
  it("allows n per sliding window; refused calls do not count", () => {
    const limiter = slidingWindowLimiter(3, 1_000);
    expect([0, 10, 20, 30, 999].map((t) => limiter.tryTake(t))).toEqual([true, true, true, false, false]);
    expect(limiter.tryTake(1_000)).toBe(true); // the first one left the window
    expect(limiter.tryTake(1_005)).toBe(false);
    expect(limiter.tryTake(1_010)).toBe(true);
    expect(limiter.tryTake(1_020)).toBe(true);
    expect(limiter.tryTake(1_021)).toBe(false);
  });

  it("refuses a limit that is not a positive integer", () => {
    for (const limit of [0, -1, 1.5, Number.NaN, 2_000_000])
      expect(() => slidingWindowLimiter(limit, 1_000)).toThrow(/positive integer/);
  });
});

describe("without postRateLimit", () => {
  it("nothing is throttled", async () => {
    const unlimited = await startInlineGateway();
    try {
      const client = await connectClient(unlimited.wsUrl);
      const connectionId: string = unlimited.recorded.$connect?.at(-1).requestContext.connectionId;
      const statuses = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${unlimited.connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`, {
            method: "POST",
            headers: { authorization: "AWS4-HMAC-SHA256 Credential=local/x" },
            body: "{}",
          }).then((r) => r.status),
        ),
      );
      expect(statuses).toEqual(Array(50).fill(200));
      await client.close();
    } finally {
      await unlimited.stop();
    }
  });
});
