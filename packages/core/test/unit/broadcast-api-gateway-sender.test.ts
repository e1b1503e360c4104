import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import { describe, expect, it } from "vitest";
import { classifyPostError, createApiGatewaySender } from "../../src/broadcast";
import { regionOfExecuteApiHost } from "../../src/broadcast/api-gateway-sender";

const sdkError = (name: string, httpStatusCode?: number, extra: object = {}) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode }, ...extra });

describe("classifyPostError", () => {
  it("410 is gone, by name or by status alone (a bare 410 surfaces as 'Unknown')", () => {
    expect(classifyPostError(sdkError("GoneException", 410))).toEqual({ status: "gone" });
    expect(classifyPostError(sdkError("Unknown", 410))).toEqual({ status: "gone" });
    expect(classifyPostError(sdkError("GoneException"))).toEqual({ status: "gone" });
  });

  it("throttling and 5xx are retryable", () => {
    for (const error of [
      sdkError("LimitExceededException", 429),
      sdkError("Unknown", 429),
      sdkError("TooManyRequestsException", 400),
      sdkError("ThrottlingException", 400),
      sdkError("InternalServerErrorException", 500),
      sdkError("Unknown", 503),
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
    ]) {
      expect(classifyPostError(error).status).toBe("retryable");
    }
  });

  it("everything else fails without retry, with a reason for the log", () => {
    expect(classifyPostError(sdkError("ForbiddenException", 403))).toEqual({
      status: "failed",
      reason: "ForbiddenException (HTTP 403): ForbiddenException",
    });
    expect(classifyPostError(sdkError("PayloadTooLargeException", 413)).status).toBe("failed");
    expect(classifyPostError(new Error("Region is missing")).status).toBe("failed");
    expect(classifyPostError(undefined).status).toBe("failed");
  });
});

describe("createApiGatewaySender", () => {
  it("gives up at its own timeout even when the client never settles", async () => {
    const stuck = { send: () => new Promise(() => {}) } as unknown as ApiGatewayManagementApiClient;
    const sender = createApiGatewaySender({ client: stuck, timeoutMs: 50 });
    const started = performance.now();
    const outcome = await sender.send({ connectionId: "c", data: new Uint8Array() });
    expect(outcome).toEqual({ status: "failed", reason: "timed out after 50 ms" });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it("passes an abort signal that fires at the timeout", async () => {
    let signal: AbortSignal | undefined;
    const client = {
      send: (_: unknown, options: { abortSignal: AbortSignal }) => {
        signal = options.abortSignal;
        return new Promise((_, reject) =>
          options.abortSignal.addEventListener("abort", () => reject(sdkError("AbortError"))),
        );
      },
    } as unknown as ApiGatewayManagementApiClient;
    const outcome = await createApiGatewaySender({ client, timeoutMs: 30 }).send({
      connectionId: "c",
      data: new Uint8Array(),
    });
    expect(signal?.aborted).toBe(true);
    expect(outcome).toEqual({ status: "failed", reason: "timed out after 30 ms" });
  });

  it("maps what the client throws", async () => {
    const client = {
      send: async () => Promise.reject(sdkError("GoneException", 410)),
    } as unknown as ApiGatewayManagementApiClient;
    expect(
      await createApiGatewaySender({ client }).send({ connectionId: "c", data: new Uint8Array() }),
    ).toEqual({ status: "gone" });
  });

  it("needs a client or an endpoint", () => {
    expect(() => createApiGatewaySender({})).toThrow(/client or an endpoint/);
  });

  it("reads the signing region from an execute-api host", () => {
    expect(regionOfExecuteApiHost("abc123.execute-api.eu-west-1.amazonaws.com")).toBe("eu-west-1");
    expect(regionOfExecuteApiHost("ws.example.com")).toBeUndefined();
  });
});
