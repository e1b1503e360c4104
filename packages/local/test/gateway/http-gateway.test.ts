import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InlineGateway, startInlineGateway } from "../support/inline-gateway";

let gateway: InlineGateway;
beforeAll(async () => {
  gateway = await startInlineGateway();
});
afterAll(() => gateway?.stop());

const get = (path: string, init?: RequestInit) => fetch(`${gateway.httpUrl}${path}`, init);

describe("HTTP API gateway (payload format 2.0)", () => {
  it("builds a v2 event with path parameters, decoded query, lower-cased headers and a Lambda context", async () => {
    const response = await get("/things/a%20b?limit=5&tag=x&tag=y", {
      headers: { "X-Mixed-Case": "v", Cookie: "a=1; b=2" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-custom")).toBe("yes");
    expect(response.headers.get("apigw-requestid")).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    const { event, remainingMs, functionName } = (await response.json()) as any;
    expect(event).toMatchObject({
      version: "2.0",
      routeKey: "GET /things/{thingId}",
      rawPath: "/things/a%20b",
      rawQueryString: "limit=5&tag=x&tag=y",
      cookies: ["a=1", "b=2"],
      queryStringParameters: { limit: "5", tag: "x,y" },
      pathParameters: { thingId: "a b" },
      isBase64Encoded: false,
      requestContext: {
        accountId: expect.any(String),
        apiId: expect.any(String),
        stage: "$default",
        routeKey: "GET /things/{thingId}",
        http: { method: "GET", path: "/things/a%20b", protocol: "HTTP/1.1", sourceIp: "127.0.0.1" },
        requestId: expect.stringMatching(/=$/),
        timeEpoch: expect.any(Number),
        time: expect.stringMatching(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/),
      },
    });
    expect(event.headers["x-mixed-case"]).toBe("v");
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(remainingMs).toBeGreaterThan(25_000);
    expect(functionName).toBe("GET /things/{thingId}");
  });

  it("prefers a literal segment over a parameter, and passes greedy paths", async () => {
    expect(await (await get("/things/special")).json()).toEqual({ special: true });
    expect(await (await get("/files/a/b/c.txt")).json()).toEqual({ path: "a/b/c.txt" });
  });

  it("passes a JSON body as text and writes the handler's status", async () => {
    const response = await get("/things", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"n":1}',
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ n: 1 });
  });

  it("answers unknown routes and methods 404 {message: Not Found} like API Gateway", async () => {
    for (const response of [
      await get("/nope"),
      await get("/things/1", { method: "DELETE" }),
      await get("/things/1/extra"),
    ]) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: "Not Found" });
    }
  });

  it("answers 500 {message: Internal Server Error} when a handler throws or returns a malformed result", async () => {
    for (const path of ["/throws", "/malformed"]) {
      const response = await get(path);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ message: "Internal Server Error" });
    }
  });

  it("turns a plain object or string result into a 200 JSON response", async () => {
    const plain = await get("/plain-object");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("application/json");
    expect(await plain.json()).toEqual({ hello: "world" });
    expect(await (await get("/plain-string")).text()).toBe("just text");
  });

  it("answers CORS preflights itself and adds allow-origin to responses, overriding the handler's", async () => {
    const preflight = await get("/rooms", {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");

    const actual = await get("/things/1", { headers: { origin: "http://127.0.0.1:5173" } });
    expect(actual.headers.get("access-control-allow-origin")).toBe("*");
  });
});
