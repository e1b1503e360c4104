import { type Agent as HttpAgent, request as httpRequest, type RequestOptions } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { ApiGatewayManagementApiClient } from "@aws-sdk/client-apigatewaymanagementapi";
import type { SendOutcome } from "./connection-sender";

/** The part of the SDK client's resolved config that signs requests (SigV4 with its credentials and region). */
type SignerSource = Pick<ApiGatewayManagementApiClient, "config">;

/** What one PostToConnection needs besides the connection and the data. */
export interface SignedPostOptions {
  /** The @connections base, stage path included (`https://abc.execute-api.eu-west-1.amazonaws.com/prod`). */
  endpoint: string;
  /** Its SigV4 signer (credentials, region, `execute-api`) is the one the SDK would sign this request with. */
  client: SignerSource;
  agents: { http: HttpAgent; https: HttpsAgent };
  timeoutMs: number;
  /** Maps a failed post (an SDK-shaped error: `name`, `$metadata.httpStatusCode`, `code`) to an outcome. */
  classify: (error: unknown) => SendOutcome;
}

/** encodeURIComponent plus the characters it leaves alone that a URI path segment must not carry raw (the SDK's). */
const encodeSegment = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * PostToConnection as one signed HTTP request: the request the SDK sends (`POST <stage>/@connections/<id>`, the
 * data as body), signed by the SDK client's own SigV4 signer, on a keep-alive agent, without the SDK's
 * per-command middleware stack. That stack costs about 0.5 ms of CPU per post here (bench/suites/fanout.ts and
 * latency.ts), which a fan-out pays once per member on the sender's critical path. Errors come back shaped as
 * the SDK shapes them (`x-amzn-errortype` names the exception, the status is in `$metadata`), for `classify`.
 */
export function createSignedPost({ endpoint, client, agents, timeoutMs, classify }: SignedPostOptions) {
  const url = new URL(endpoint);
  const basePath = url.pathname.replace(/\/+$/, "");
  const https = url.protocol === "https:";
  const port = url.port ? Number(url.port) : undefined;
  let signer: ReturnType<SignerSource["config"]["signer"]> | undefined;

  return async ({ connectionId, data }: { connectionId: string; data: Uint8Array }): Promise<SendOutcome> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      signer ??= client.config.signer();
      const path = `${basePath}/@connections/${encodeSegment(connectionId)}`;
      const signed = await (await signer).sign({
        method: "POST",
        protocol: url.protocol,
        hostname: url.hostname,
        ...(port !== undefined && { port }),
        path,
        query: {},
        headers: {
          host: url.host,
          "content-type": "application/octet-stream",
          "content-length": String(data.byteLength),
        },
        body: data,
      });
      const { status, errorType, body } = await post({
        https,
        options: {
          agent: https ? agents.https : agents.http,
          method: "POST",
          hostname: url.hostname,
          ...(port !== undefined && { port }),
          path,
          headers: signed.headers,
          signal: controller.signal,
        },
        data,
      });
      if (status >= 200 && status < 300) return { status: "delivered" };
      const name = errorType ?? typeOfBody(body) ?? "Unknown";
      return classify(
        Object.assign(new Error(messageOfBody(body) ?? name), {
          name,
          $metadata: { httpStatusCode: status },
        }),
      );
    } catch (error) {
      if (controller.signal.aborted) return { status: "failed", reason: `timed out after ${timeoutMs} ms` };
      return classify(error);
    } finally {
      clearTimeout(timer);
    }
  };
}

function post({
  https,
  options,
  data,
}: {
  https: boolean;
  options: RequestOptions;
  data: Uint8Array;
}): Promise<{ status: number; errorType: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const request = (https ? httpsRequest : httpRequest)(options, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        const header = response.headers["x-amzn-errortype"];
        const errorType = (Array.isArray(header) ? header[0] : header)?.split(":")[0] || undefined;
        resolve({ status: response.statusCode ?? 0, errorType, body });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}

function parse(body: string): { __type?: unknown; message?: unknown; Message?: unknown } | undefined {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

const typeOfBody = (body: string) => {
  const type = parse(body)?.__type;
  return typeof type === "string" ? type.split("#").pop() : undefined;
};

const messageOfBody = (body: string) => {
  const parsed = parse(body);
  const message = parsed?.message ?? parsed?.Message;
  return typeof message === "string" ? message : undefined;
};
