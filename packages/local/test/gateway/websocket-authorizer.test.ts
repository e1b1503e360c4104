import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { eventually, sleep } from "../../../../test/support/wait";
import { connectClient, expectRefused } from "../../../../test/support/ws-client";
import type { GatewayLogger } from "../../src/gateway-logger";
import type { RouteHandler } from "../../src/route-handlers";
import { startWebSocketGateway } from "../../src/websocket-gateway";
import { type InlineGateway, startInlineGateway } from "../support/inline-gateway";

const UNAUTHORIZED = { status: 401, body: '{"message":"Unauthorized"}' };
const FORBIDDEN = { status: 403, body: '{"message":"Forbidden"}' };
const INTERNAL = { status: 500, body: '{"message":"Internal server error"}' };

const allow = (resource: string, context?: unknown, principalId: unknown = "user-1") => ({
  principalId,
  policyDocument: {
    Version: "2012-10-17",
    Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: resource }],
  },
  ...(context !== undefined && { context }),
});

/** The authorizer's behaviour is chosen by the ticket, so one gateway serves every case. */
const authorizerCalls: any[] = [];
const authorizer: RouteHandler = {
  routeKey: "TicketAuthorizer",
  handler: async (event) => {
    authorizerCalls.push(event);
    const ticket: string = event.queryStringParameters.ticket;
    switch (ticket) {
      case "unauthorized":
        throw new Error("Unauthorized");
      case "boom":
        throw new Error("database down");
      case "deny":
        return {
          principalId: "user-1",
          policyDocument: {
            Version: "2012-10-17",
            Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: event.methodArn }],
          },
        };
      case "allow-elsewhere":
        return allow(event.methodArn.replace("/$connect", "/sendMessage"));
      case "deny-wins":
        return {
          principalId: "user-1",
          policyDocument: {
            Version: "2012-10-17",
            Statement: [
              { Action: "execute-api:Invoke", Effect: "Allow", Resource: "*" },
              { Action: "execute-api:*", Effect: "Deny", Resource: "arn:aws:execute-api:*:*:*/local/*" },
            ],
          },
        };
      case "nested-context":
        return allow(event.methodArn, { user: { id: "user-1" } });
      case "array-context":
        return allow(event.methodArn, { roomIds: ["r1", "r2"] });
      case "null-context-value":
        return allow(event.methodArn, { roomId: null });
      case "no-policy":
        return { principalId: "user-1", context: { roomId: "r1" } };
      case "no-principal":
        return { policyDocument: allow(event.methodArn).policyDocument };
      case "wildcard":
        return allow("arn:aws:execute-api:*:*:*/local/*", { roomId: "r-wild" }, 42);
      case "allow":
        return allow(event.methodArn, {
          userId: "user-1",
          name: "Ann",
          roomId: "room-1",
          seats: 3,
          admin: false,
        });
      default:
        throw new Error("Unauthorized");
    }
  },
};

const errors: { line: string; error: unknown }[] = [];
const logger: GatewayLogger = { info: () => {}, error: (line, error) => errors.push({ line, error }) };

let gateway: InlineGateway;
beforeAll(async () => {
  gateway = await startInlineGateway({
    authorizer: { handler: authorizer, identitySources: ["route.request.querystring.ticket"] },
    log: logger,
  });
});
afterAll(() => gateway?.stop());
beforeEach(() => {
  authorizerCalls.length = 0;
  errors.length = 0;
  for (const key of Object.keys(gateway.recorded)) delete gateway.recorded[key];
});

describe("WebSocket $connect REQUEST authorizer", () => {
  it("refuses 401 without invoking the authorizer when the identity source is missing", async () => {
    expect(await expectRefused(gateway.wsUrl)).toEqual(UNAUTHORIZED);
    expect(await expectRefused(gateway.wsUrl, { other: "allow" })).toEqual(UNAUTHORIZED);
    // Case matters for query keys.
    expect(await expectRefused(gateway.wsUrl, { Ticket: "allow" })).toEqual(UNAUTHORIZED);
    expect(authorizerCalls).toHaveLength(0);
    expect(gateway.recorded.$connect).toBeUndefined();
  });

  it("refuses 401 without invoking the authorizer when the identity source is empty", async () => {
    expect(await expectRefused(gateway.wsUrl, { ticket: "" })).toEqual(UNAUTHORIZED);
    expect(authorizerCalls).toHaveLength(0);
    expect(gateway.recorded.$connect).toBeUndefined();
  });

  it("refuses 401 when the authorizer throws Unauthorized, and never runs $connect", async () => {
    expect(await expectRefused(gateway.wsUrl, { ticket: "unauthorized" })).toEqual(UNAUTHORIZED);
    expect(authorizerCalls).toHaveLength(1);
    expect(gateway.recorded.$connect).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it("refuses 403 on a Deny, on an Allow for another resource, and when a Deny also matches", async () => {
    expect(await expectRefused(gateway.wsUrl, { ticket: "deny" })).toEqual(FORBIDDEN);
    expect(await expectRefused(gateway.wsUrl, { ticket: "allow-elsewhere" })).toEqual(FORBIDDEN);
    expect(await expectRefused(gateway.wsUrl, { ticket: "deny-wins" })).toEqual(FORBIDDEN);
    expect(authorizerCalls).toHaveLength(3);
    expect(gateway.recorded.$connect).toBeUndefined();
  });

  it("answers 500 and logs it when the authorizer fails otherwise", async () => {
    expect(await expectRefused(gateway.wsUrl, { ticket: "boom" })).toEqual(INTERNAL);
    expect(gateway.recorded.$connect).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.line).toContain("TicketAuthorizer");
    expect(String(errors[0]?.error)).toContain("database down");
  });

  it("answers 500 for a context that is not flat, and for a result without policy or principal", async () => {
    for (const ticket of [
      "nested-context",
      "array-context",
      "null-context-value",
      "no-policy",
      "no-principal",
    ]) {
      expect({ ticket, ...(await expectRefused(gateway.wsUrl, { ticket })) }).toEqual({
        ticket,
        ...INTERNAL,
      });
    }
    expect(authorizerCalls).toHaveLength(5);
    expect(errors).toHaveLength(5);
    expect(String(errors[0]?.error)).toMatch(/context\.user/);
    expect(gateway.recorded.$connect).toBeUndefined();
  });

  it("sends the authorizer a WebSocket REQUEST event for the connection about to open", async () => {
    const client = await connectClient(gateway.wsUrl, { ticket: "allow", roomId: "room-1" });
    expect(authorizerCalls).toHaveLength(1);
    const event = authorizerCalls[0];
    const connect = gateway.recorded.$connect?.[0];
    expect(event).toMatchObject({
      type: "REQUEST",
      methodArn: expect.stringMatching(/^arn:aws:execute-api:local:000000000000:[^/]+\/local\/\$connect$/),
      queryStringParameters: { ticket: "allow", roomId: "room-1" },
      multiValueQueryStringParameters: { ticket: ["allow"], roomId: ["room-1"] },
      stageVariables: {},
      requestContext: {
        routeKey: "$connect",
        eventType: "CONNECT",
        messageDirection: "IN",
        stage: "local",
        identity: { sourceIp: "127.0.0.1" },
        connectionId: connect.requestContext.connectionId,
        connectedAt: connect.requestContext.connectedAt,
        apiId: connect.requestContext.apiId,
        requestId: expect.any(String),
        extendedRequestId: expect.any(String),
        requestTime: expect.any(String),
        requestTimeEpoch: expect.any(Number),
        domainName: expect.any(String),
      },
    });
    expect(event.methodArn).toContain(`:${connect.requestContext.apiId}/local/$connect`);
    expect(event.headers["Sec-WebSocket-Version"] ?? event.headers["sec-websocket-version"]).toBe("13");
    expect(event.multiValueHeaders).toEqual(expect.any(Object));
    expect(event.requestContext.authorizer).toBeUndefined();
    await client.close();
  });

  it("on Allow, $connect, every later frame and $disconnect see principalId and the context", async () => {
    const client = await connectClient(gateway.wsUrl, { ticket: "allow" });
    const expected = {
      principalId: "user-1",
      userId: "user-1",
      name: "Ann",
      roomId: "room-1",
      seats: 3,
      admin: false,
    };
    const connect = gateway.recorded.$connect?.[0];
    expect(connect.requestContext.authorizer).toEqual(expected);

    client.send({ action: "echo", n: 1 });
    expect(await client.next()).toEqual({ route: "echo", body: '{"action":"echo","n":1}' });
    const message = gateway.recorded.echo?.[0];
    expect(message.requestContext).toMatchObject({
      eventType: "MESSAGE",
      connectionId: connect.requestContext.connectionId,
    });
    expect(message.requestContext.authorizer).toEqual(expected);

    client.send("not json");
    expect(await client.next()).toEqual({ route: "$default", body: "not json" });
    expect(gateway.recorded.$default?.[0].requestContext.authorizer).toEqual(expected);

    await client.close();
    const disconnect = await eventually(() => gateway.recorded.$disconnect?.[0]);
    expect(disconnect.requestContext).toMatchObject({
      eventType: "DISCONNECT",
      connectionId: connect.requestContext.connectionId,
    });
    expect(disconnect.requestContext.authorizer).toEqual(expected);
  });

  it("matches * in the policy's Resource and passes principalId as a string", async () => {
    const client = await connectClient(gateway.wsUrl, { ticket: "wildcard" });
    expect(gateway.recorded.$connect?.[0].requestContext.authorizer).toEqual({
      principalId: "42",
      roomId: "r-wild",
    });
    await client.close();
  });

  it("keeps each connection's authorizer context to itself", async () => {
    const a = await connectClient(gateway.wsUrl, { ticket: "allow" });
    const b = await connectClient(gateway.wsUrl, { ticket: "wildcard" });
    a.send({ action: "echo" });
    b.send({ action: "echo" });
    await a.next();
    await b.next();
    const byConnection = new Map(
      gateway.recorded.echo?.map((e) => [
        e.requestContext.connectionId,
        e.requestContext.authorizer.principalId,
      ]),
    );
    expect([...byConnection.values()].sort()).toEqual(["42", "user-1"]);
    await Promise.all([a.close(), b.close()]);
  });
});

describe("WebSocket authorizer options", () => {
  /** Opens a socket with extra handshake headers; resolves with the socket or the refusal status. */
  const open = (url: string, headers: Record<string, string>) =>
    new Promise<WebSocket | number>((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.once("open", () => resolve(socket));
      socket.once("unexpected-response", (_request, response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      socket.once("error", reject);
    });

  it("reads header identity sources case-insensitively, refuses 401 without them, and times out as a 500", async () => {
    const calls: any[] = [];
    const connects: any[] = [];
    const gatewayErrors: string[] = [];
    const ws = await startWebSocketGateway({
      routes: [{ routeKey: "$connect", handler: async (event) => void connects.push(event) }],
      // Every invocation's limit, the quick ones' too: far enough above them that a stall on a busy machine (this
      // process runs the gateway, the handlers and the clients) does not time out an authorizer that answers.
      timeoutMs: 1_000,
      logger: { info: () => {}, error: (line, error) => gatewayErrors.push(`${line} ${String(error)}`) },
      authorizer: {
        identitySources: ["route.request.header.X-Api-Key", "route.request.querystring.room"],
        handler: {
          routeKey: "KeyAuthorizer",
          handler: async (event) => {
            calls.push(event);
            if (event.queryStringParameters.room === "slow") await sleep(3_000);
            return allow(event.methodArn, { key: event.headers["x-api-key"] });
          },
        },
      },
    });
    try {
      expect(await open(`${ws.url}/?room=r1`, {})).toBe(401);
      expect(await open(`${ws.url}/?room=r1`, { "x-api-key": "" })).toBe(401);
      expect(await open(`${ws.url}/`, { "x-api-key": "k1" })).toBe(401);
      expect(calls).toHaveLength(0);

      const socket = await open(`${ws.url}/?room=r1`, { "x-api-key": "k1" });
      expect(socket).toBeInstanceOf(WebSocket);
      expect(calls).toHaveLength(1);
      expect(connects[0].requestContext.authorizer).toEqual({ principalId: "user-1", key: "k1" });
      (socket as WebSocket).close();

      expect(await open(`${ws.url}/?room=slow`, { "X-API-KEY": "k1" })).toBe(500);
      expect(gatewayErrors.join("\n")).toMatch(/KeyAuthorizer failed: InvocationTimeoutError: .*timed out/);
      expect(connects).toHaveLength(1);
    } finally {
      await ws.close();
    }
  });

  it("events carry no authorizer key when no authorizer is configured", async () => {
    const connects: any[] = [];
    const ws = await startWebSocketGateway({
      routes: [{ routeKey: "$connect", handler: async (event) => void connects.push(event) }],
    });
    try {
      const socket = await open(`${ws.url}/?ticket=anything`, {});
      expect(socket).toBeInstanceOf(WebSocket);
      expect(connects[0].requestContext).not.toHaveProperty("authorizer");
      (socket as WebSocket).close();
    } finally {
      await ws.close();
    }
  });

  it("refuses identity sources it cannot emulate when the gateway starts", async () => {
    await expect(
      startWebSocketGateway({
        routes: [],
        authorizer: {
          identitySources: ["stageVariables.key"],
          handler: { routeKey: "A", handler: async () => ({}) },
        },
      }),
    ).rejects.toThrow(/Unsupported authorizer identity source "stageVariables.key"/);
  });
});
