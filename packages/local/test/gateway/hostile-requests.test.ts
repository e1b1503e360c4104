import { connect as connectTcp } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually } from "../../../../test/support/wait";
import { connectClient, expectRefused } from "../../../../test/support/ws-client";
import { type LocalGateway, startLocalGateway } from "../../src/local-gateway";
import { startWebSocketGateway, type WebSocketGateway } from "../../src/websocket-gateway";
import { type InlineGateway, startInlineGateway } from "../support/inline-gateway";

/**
 * Names that find Object.prototype's members on a plain `{}` map: a gateway keying events by them must not
 * crash (a TypeError there used to take the whole process down) nor mangle them.
 */
const PROTOTYPE_NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty"];
const hostileQuery = "constructor=1&__proto__=x&toString=t&hasOwnProperty=h&constructor=2";
const hostileHeaders = PROTOTYPE_NAMES.map((name) => `${name}: ${name}-value`);

/** Sends a raw request and resolves with the status line's code and the whole response text. */
function rawRequest(port: number, lines: string[]): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connectTcp(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      // A 101 keeps the socket open: the status line is all there is to read.
      if (text.startsWith("HTTP/1.1 101") && text.includes("\r\n\r\n")) socket.destroy();
    });
    socket.on("close", () => resolve({ status: Number(text.slice(9, 12)), text }));
    socket.on("error", reject);
    socket.write(`${lines.join("\r\n")}\r\n\r\n`);
  });
}

const handshake = (path: string, extra: string[] = []) => [
  `GET ${path} HTTP/1.1`,
  "Host: 127.0.0.1",
  "Upgrade: websocket",
  "Connection: Upgrade",
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
  "Sec-WebSocket-Version: 13",
  ...extra,
];

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

let gateway: InlineGateway;
beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  gateway = await startInlineGateway();
});
afterAll(async () => {
  await gateway?.stop();
  process.off("unhandledRejection", onUnhandled);
});
beforeEach(() => {
  for (const key of Object.keys(gateway.recorded)) delete gateway.recorded[key];
});

describe("requests that name Object.prototype's members", () => {
  it("WebSocket: accepts the handshake, passes the names through as ordinary keys, and keeps serving", async () => {
    const port = Number(new URL(gateway.wsUrl).port);
    const { status } = await rawRequest(port, handshake(`/?${hostileQuery}`, hostileHeaders));
    expect(status).toBe(101);
    const event = gateway.recorded.$connect?.[0];
    expect(Object.entries(event.queryStringParameters).sort()).toEqual(
      [
        ["__proto__", "x"],
        ["constructor", "2"],
        ["hasOwnProperty", "h"],
        ["toString", "t"],
      ].sort(),
    );
    expect(
      Object.getOwnPropertyDescriptor(event.multiValueQueryStringParameters, "constructor")?.value,
    ).toEqual(["1", "2"]);
    expect(
      Object.getOwnPropertyDescriptor(event.multiValueQueryStringParameters, "__proto__")?.value,
    ).toEqual(["x"]);
    for (const name of PROTOTYPE_NAMES) {
      expect(Object.getOwnPropertyDescriptor(event.headers, name)?.value).toBe(`${name}-value`);
      expect(Object.getOwnPropertyDescriptor(event.multiValueHeaders, name)?.value).toEqual([
        `${name}-value`,
      ]);
    }
    await eventually(() => gateway.recorded.$disconnect?.length === 1);

    // The gateway still serves a normal client, end to end.
    const client = await connectClient(gateway.wsUrl, { roomId: "r1" });
    client.send({ action: "echo", ok: true });
    expect(await client.next()).toEqual({ route: "echo", body: '{"action":"echo","ok":true}' });
    await client.close();
    expect(unhandled).toEqual([]);
  });

  it("WebSocket: each prototype name alone as the only query key", async () => {
    for (const name of PROTOTYPE_NAMES) {
      const client = await connectClient(`${gateway.wsUrl}/?${name}=1`);
      expect(
        Object.getOwnPropertyDescriptor(gateway.recorded.$connect?.at(-1).queryStringParameters, name)?.value,
      ).toBe("1");
      await client.close();
    }
    expect(unhandled).toEqual([]);
  });

  it("HTTP: passes the names through as ordinary query keys and headers, and keeps serving", async () => {
    // Raw, because fetch leaves out a header named __proto__.
    const port = Number(new URL(gateway.httpUrl).port);
    const response = await rawRequest(port, [
      `GET /things/t1?${hostileQuery} HTTP/1.1`,
      "Host: 127.0.0.1",
      "Connection: close",
      ...hostileHeaders,
    ]);
    expect(response.status).toBe(200);
    const { event } = JSON.parse(response.text.slice(response.text.indexOf("\r\n\r\n") + 4)) as {
      event: any;
    };
    expect(Object.entries(event.queryStringParameters).sort()).toEqual(
      [
        ["__proto__", "x"],
        ["constructor", "1,2"],
        ["hasOwnProperty", "h"],
        ["toString", "t"],
      ].sort(),
    );
    for (const name of PROTOTYPE_NAMES) {
      expect(Object.getOwnPropertyDescriptor(event.headers, name.toLowerCase())?.value).toBe(`${name}-value`);
    }

    const again = await fetch(`${gateway.httpUrl}/things/t2?plain=1`);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { event: any }).event.pathParameters).toEqual({ thingId: "t2" });
    expect(unhandled).toEqual([]);
  });

  it("an upgrade that is not a WebSocket handshake is refused 400 before $connect runs", async () => {
    const port = Number(new URL(gateway.wsUrl).port);
    const h2c = await rawRequest(port, [
      "GET /?constructor=1 HTTP/1.1",
      "Host: 127.0.0.1",
      "Upgrade: h2c",
      "Connection: Upgrade",
    ]);
    expect(h2c.status).toBe(400);
    const badKey = await rawRequest(
      port,
      handshake("/").map((line) => (line.startsWith("Sec-WebSocket-Key") ? "Sec-WebSocket-Key: nope" : line)),
    );
    expect(badKey.status).toBe(400);
    expect(gateway.recorded.$connect).toBeUndefined();
    const client = await connectClient(gateway.wsUrl);
    await client.close();
  });

  it("@connections: a malformed connection id fails that request alone", async () => {
    const port = Number(new URL(gateway.connectionsUrl).port);
    const auth = "Authorization: AWS4-HMAC-SHA256 Credential=local/20250101/local/execute-api/aws4_request";
    const malformed = await rawRequest(port, [
      "GET /local/@connections/%E0%A4%A HTTP/1.1",
      "Host: 127.0.0.1",
      auth,
      "Connection: close",
    ]);
    expect(malformed.status).toBe(500);
    const prototypeId = await rawRequest(port, [
      "GET /local/@connections/constructor HTTP/1.1",
      "Host: 127.0.0.1",
      auth,
      "Connection: close",
    ]);
    expect(prototypeId.status).toBe(410);
    expect(prototypeId.text).toContain("GoneException");
    expect(unhandled).toEqual([]);
  });
});

describe("an authorizer with prototype names", () => {
  let ws: WebSocketGateway;
  const calls: any[] = [];
  beforeAll(async () => {
    ws = await startWebSocketGateway({
      routes: [],
      authorizer: {
        identitySources: ["route.request.querystring.toString", "route.request.header.constructor"],
        handler: {
          routeKey: "ProtoAuthorizer",
          handler: async (event) => {
            calls.push(event);
            return {
              principalId: "p",
              policyDocument: {
                Version: "2012-10-17",
                Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: event.methodArn }],
              },
              context: { __proto__: "ctx", constructor: "c" },
            };
          },
        },
      },
    });
  });
  afterAll(() => ws?.close());

  it("does not take Object.prototype's members for identity sources, and keeps context keys as given", async () => {
    // Neither source present: on a plain {} both would be "found" (functions) and the authorizer invoked.
    expect(await expectRefused(ws.url, { other: "1" })).toEqual({
      status: 401,
      body: '{"message":"Unauthorized"}',
    });
    const port = Number(new URL(ws.url).port);
    expect((await rawRequest(port, handshake("/?toString=t"))).status).toBe(401);
    expect((await rawRequest(port, handshake("/", ["constructor: c"]))).status).toBe(401);
    expect(calls).toHaveLength(0);

    expect((await rawRequest(port, handshake("/?toString=t", ["Constructor: c"]))).status).toBe(101);
    expect(calls).toHaveLength(1);
    expect(unhandled).toEqual([]);
  });
});

describe("handler output HTTP does not allow", () => {
  let local: LocalGateway;
  beforeAll(async () => {
    local = await startLocalGateway({
      log: false,
      httpRoutes: [
        {
          routeKey: "GET /bad-header",
          handler: async () => ({
            statusCode: 200,
            headers: { "x-bad": "a\r\nInjected: yes", "x-good": "ok" },
            body: "{}",
          }),
        },
        { routeKey: "GET /ok", handler: async () => ({ statusCode: 200, body: "fine" }) },
      ],
      webSocketRoutes: [
        {
          routeKey: "$connect",
          handler: async () => ({
            statusCode: 403,
            headers: { "x-bad": "a\r\nInjected: yes", "x-good": "ok" },
            body: "no",
          }),
        },
      ],
    });
  });
  afterAll(() => local?.stop());

  it("drops a header with a newline instead of failing (HTTP) or splitting the response (WebSocket refusal)", async () => {
    const response = await fetch(`${local.httpUrl}/bad-header`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-good")).toBe("ok");
    expect(response.headers.get("x-bad")).toBeNull();
    expect(response.headers.get("injected")).toBeNull();
    expect(await (await fetch(`${local.httpUrl}/ok`)).text()).toBe("fine");

    const refusal = await rawRequest(Number(new URL(local.wsUrl).port), handshake("/"));
    expect(refusal.status).toBe(403);
    expect(refusal.text).toMatch(/\r\nx-good: ok\r\n/);
    expect(refusal.text).not.toMatch(/Injected/);
    expect(unhandled).toEqual([]);
  });
});
