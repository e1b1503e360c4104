import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiGatewaySender } from "../../src/broadcast";

/**
 * The @connections sender's post (broadcast/signed-post.ts) against a recording HTTP server: the request is the
 * one the SDK's PostToConnectionCommand sends (method, path, body), and its SigV4 signature verifies, recomputed
 * from what the server received with the SDK's own signer, as API Gateway would.
 */

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
const received: Received[] = [];
let answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 200 };
let endpoint: string;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    received.push({
      method: req.method ?? "",
      url: req.url ?? "",
      headers: req.headers,
      body: Buffer.concat(chunks),
    });
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  answer = { status: 200 };
});

const credentials = { accessKeyId: "local", secretAccessKey: "local" };
const sdkClient = () =>
  new ApiGatewayManagementApiClient({ endpoint, region: "local", credentials, maxAttempts: 1 });
// An API Gateway-like id: `=` and other characters a path segment must carry encoded.
const connectionId = "HbYA1e9n+DoE/CJZg=";
const data = new TextEncoder().encode(JSON.stringify({ type: "message", text: "héllo" }));

/** SigV4 recomputed from a received request (its signed headers, path and body), as API Gateway checks it. */
async function resign({ method, url, headers, body }: Received) {
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(String(headers.authorization))![1]!.split(";");
  expect(signedHeaders).toEqual(expect.arrayContaining(["host", "x-amz-date"]));
  const d = String(headers["x-amz-date"]);
  const signingDate = new Date(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`,
  );
  const signer = await sdkClient().config.signer();
  const signed = await signer.sign(
    {
      method,
      protocol: "http:",
      hostname: "127.0.0.1",
      path: url,
      query: {},
      headers: Object.fromEntries(signedHeaders.map((name) => [name, String(headers[name])])),
      body,
    },
    { signingDate },
  );
  return signed.headers.authorization;
}

describe("the @connections sender's signed post", () => {
  it("sends what the SDK sends: POST <stage>/@connections/<encoded id>, the data as body", async () => {
    await sdkClient().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    expect(await createApiGatewaySender({ endpoint }).send({ connectionId, data })).toEqual({
      status: "delivered",
    });
    const [viaSdk, ours] = received;
    expect(ours!.method).toBe(viaSdk!.method);
    expect(ours!.url).toBe(viaSdk!.url);
    expect(ours!.url).toBe(`/prod/@connections/${encodeURIComponent(connectionId)}`);
    expect(ours!.headers.host).toBe(viaSdk!.headers.host);
    expect(ours!.body).toEqual(viaSdk!.body);
    const scope = (headers: IncomingHttpHeaders) =>
      /Credential=([^,]+)/.exec(String(headers.authorization))?.[1];
    expect(scope(ours!.headers)).toBe(scope(viaSdk!.headers));
    expect(scope(ours!.headers)).toMatch(/^local\/\d{8}\/local\/execute-api\/aws4_request$/);
  });

  it("its signature verifies against the request as the server received it (as the SDK's own does)", async () => {
    await sdkClient().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    await createApiGatewaySender({ endpoint }).send({ connectionId, data });
    const [viaSdk, ours] = received as [Received, Received];
    expect(await resign(viaSdk)).toBe(viaSdk.headers.authorization);
    expect(await resign(ours)).toBe(ours.headers.authorization);
  });

  it.each([
    [410, "GoneException", { status: "gone" }],
    [429, "LimitExceededException", { status: "retryable" }],
    [500, "InternalServerErrorException", { status: "retryable" }],
    [403, "ForbiddenException", { status: "failed" }],
  ])("an answer %i (%s) is classified as the SDK's error would be", async (status, type, outcome) => {
    answer = { status, headers: { "x-amzn-errortype": `${type}:http://internal.amazon.com/` }, body: "{}" };
    expect(await createApiGatewaySender({ endpoint }).send({ connectionId, data })).toMatchObject(outcome);
  });

  it("names the exception from the body when the header is missing, with its message as the reason", async () => {
    answer = { status: 403, body: JSON.stringify({ __type: "ForbiddenException", message: "Forbidden" }) };
    expect(await createApiGatewaySender({ endpoint }).send({ connectionId, data })).toEqual({
      status: "failed",
      reason: "ForbiddenException (HTTP 403): Forbidden",
    });
  });
});
