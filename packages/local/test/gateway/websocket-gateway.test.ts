import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, sleep } from "../../../../test/support/wait";
import { connectClient, expectRefused } from "../../../../test/support/ws-client";
import type { RouteInvocation } from "../../src/websocket-gateway";
import { type InlineGateway, startInlineGateway } from "../support/inline-gateway";

let gateway: InlineGateway;
beforeAll(async () => {
  gateway = await startInlineGateway();
});
afterAll(() => gateway?.stop());

describe("WebSocket gateway", () => {
  it("passes $connect an AWS-shaped CONNECT event and accepts on 200", async () => {
    const client = await connectClient(gateway.wsUrl, { roomId: "r1", name: "Ann" });
    const event = gateway.recorded.$connect?.at(-1);
    expect(event).toMatchObject({
      queryStringParameters: { roomId: "r1", name: "Ann" },
      multiValueQueryStringParameters: { roomId: ["r1"], name: ["Ann"] },
      isBase64Encoded: false,
      requestContext: {
        routeKey: "$connect",
        eventType: "CONNECT",
        messageDirection: "IN",
        stage: "local",
        connectedAt: expect.any(Number),
        identity: { sourceIp: "127.0.0.1" },
        connectionId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/),
        requestId: expect.any(String),
        apiId: expect.any(String),
        domainName: expect.any(String),
      },
    });
    // Headers keep their original case on WebSocket events, as on AWS.
    expect(event.headers["Sec-WebSocket-Version"] ?? event.headers["sec-websocket-version"]).toBe("13");
    await client.close();
  });

  it("refuses the handshake with the status $connect returned, without upgrading", async () => {
    expect(await expectRefused(gateway.wsUrl, { refuse: "404" })).toEqual({
      status: 404,
      body: '{"refused":true}',
    });
    expect((await expectRefused(gateway.wsUrl, { refuse: "400" })).status).toBe(400);
    expect((await expectRefused(gateway.wsUrl, { throw: "1" })).status).toBe(500);
  });

  it("selects the route from the frame's action and falls back to $default", async () => {
    const client = await connectClient(gateway.wsUrl);
    client.send({ action: "echo", n: 1 });
    expect(await client.next()).toEqual({ route: "echo", body: '{"action":"echo","n":1}' });
    for (const body of [
      '{"action":"nope"}',
      "not json",
      '{"no":"action"}',
      '{"action":"$connect"}',
      "[1,2]",
    ]) {
      client.send(body);
      expect(await client.next()).toEqual({ route: "$default", body });
    }
    const message = gateway.recorded.echo?.at(-1);
    expect(message).toMatchObject({
      body: '{"action":"echo","n":1}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: "echo",
        eventType: "MESSAGE",
        messageId: expect.any(String),
        connectionId: expect.any(String),
      },
    });
    expect(message.headers).toBeUndefined();
    await client.close();
  });

  it("keeps the connection open when a handler throws, and tells the client as AWS does", async () => {
    const client = await connectClient(gateway.wsUrl);
    client.send({ action: "boom" });
    expect(await client.next()).toMatchObject({
      message: "Internal server error",
      connectionId: expect.any(String),
      requestId: expect.any(String),
    });
    client.send({ action: "echo" });
    expect(await client.next()).toMatchObject({ route: "echo" });
    await client.close();
  });

  it("supports callback-style handlers", async () => {
    const client = await connectClient(gateway.wsUrl);
    client.send({ action: "callback" });
    expect(await client.next()).toEqual({ route: "callback" });
    await client.close();
  });

  it("accepts a 32 KB frame and closes with 1009 on a 33 KB one", async () => {
    const client = await connectClient(gateway.wsUrl);
    const fits = JSON.stringify({ action: "echo", pad: "" });
    client.send(JSON.stringify({ action: "echo", pad: "x".repeat(32 * 1024 - fits.length) }));
    expect(await client.next()).toMatchObject({ route: "echo" });
    const before = gateway.recorded.echo?.length ?? 0;
    client.send(JSON.stringify({ action: "echo", pad: "x".repeat(33 * 1024) }));
    expect((await client.closed).code).toBe(1009);
    expect(gateway.recorded.echo?.length ?? 0).toBe(before);
  });

  it("closes with 1003 on a binary frame", async () => {
    const client = await connectClient(gateway.wsUrl);
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.closed).code).toBe(1003);
  });

  it("invokes $disconnect with the close code when the client leaves", async () => {
    const client = await connectClient(gateway.wsUrl);
    const connectionId = gateway.recorded.$connect?.at(-1).requestContext.connectionId;
    await client.close(4001);
    const event = await eventually(() =>
      gateway.recorded.$disconnect?.find((e) => e.requestContext.connectionId === connectionId),
    );
    expect(event.requestContext).toMatchObject({
      routeKey: "$disconnect",
      eventType: "DISCONNECT",
      disconnectStatusCode: 4001,
    });
  });

  it("invokes $disconnect (1006) when the TCP connection just drops", async () => {
    const client = await connectClient(gateway.wsUrl);
    const connectionId = gateway.recorded.$connect?.at(-1).requestContext.connectionId;
    await client.terminate();
    const event = await eventually(() =>
      gateway.recorded.$disconnect?.find((e) => e.requestContext.connectionId === connectionId),
    );
    expect(event.requestContext.disconnectStatusCode).toBe(1006);
  });
});

// Shortened, yet far apart from the keep-alive below (a frame every 100 ms): the gateway and the client share this
// process's event loop, and on a busy machine a stall of a few hundred ms would let a 300 ms idle timeout close
// a socket that is being kept alive.
const IDLE_MS = 1_000;
const MAX_DURATION_MS = 3_000;

describe("WebSocket gateway timeouts (shortened)", () => {
  let short: InlineGateway;
  beforeAll(async () => {
    short = await startInlineGateway({ idleTimeoutMs: IDLE_MS, maxDurationMs: MAX_DURATION_MS });
  });
  afterAll(() => short?.stop());

  it("closes an idle socket with 1001 Going away and runs $disconnect", async () => {
    const client = await connectClient(short.wsUrl);
    const connectionId = short.recorded.$connect?.at(-1).requestContext.connectionId;
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1001, reason: "Going away" });
    await eventually(() =>
      short.recorded.$disconnect?.some((e) => e.requestContext.connectionId === connectionId),
    );
  });

  it("client frames keep a socket alive until the maximum duration", async () => {
    const client = await connectClient(short.wsUrl);
    const startedAt = Date.now();
    const keepAlive = setInterval(() => client.send({ action: "echo" }), 100);
    const closed = await client.closed;
    clearInterval(keepAlive);
    expect(closed.code).toBe(1001);
    // Not the idle timeout: the maximum duration (counted from the handshake, a moment before startedAt).
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(MAX_DURATION_MS - 100);
  });
});

describe("GATEWAY_SKIP_DISCONNECT", () => {
  let skipping: InlineGateway;
  beforeAll(async () => {
    skipping = await startInlineGateway({ skipDisconnect: true });
  });
  afterAll(() => skipping?.stop());

  it("drops closed sockets without invoking $disconnect", async () => {
    const client = await connectClient(skipping.wsUrl);
    await client.close();
    const other = await connectClient(skipping.wsUrl);
    await other.terminate();
    await sleep(200);
    expect(skipping.recorded.$connect).toHaveLength(2);
    expect(skipping.recorded.$disconnect).toBeUndefined();
    expect(skipping.connections.size).toBe(0);
  });
});

describe("onInvocation", () => {
  const invocations: RouteInvocation[] = [];
  let reporting: InlineGateway;
  beforeAll(async () => {
    reporting = await startInlineGateway({ onInvocation: (invocation) => invocations.push(invocation) });
  });
  afterAll(() => reporting?.stop());

  it("reports each route invocation with its key, the handler's duration, and whether it failed", async () => {
    const client = await connectClient(reporting.wsUrl);
    // "callback" answers after a 5 ms timer: its duration is the handler's, not the frame's trip.
    client.send({ action: "callback" });
    await client.next();
    client.send({ action: "boom" });
    await client.next();
    await client.close();
    expect((await expectRefused(reporting.wsUrl, { throw: "1" })).status).toBe(500);
    await eventually(() => invocations.length === 5);
    expect(invocations.map(({ routeKey, ok }) => ({ routeKey, ok }))).toEqual(
      expect.arrayContaining([
        { routeKey: "$connect", ok: true },
        { routeKey: "callback", ok: true },
        { routeKey: "boom", ok: false },
        { routeKey: "$disconnect", ok: true },
        { routeKey: "$connect", ok: false },
      ]),
    );
    expect(invocations.find((i) => i.routeKey === "callback")!.durationMs).toBeGreaterThanOrEqual(5);
    for (const { durationMs } of invocations) expect(durationMs).toBeGreaterThanOrEqual(0);
  });
});
