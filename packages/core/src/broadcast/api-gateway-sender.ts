import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { isLoopbackHost } from "@rooms/net";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { ConnectionSender, SendOutcome } from "./connection-sender";
import { createSignedPost } from "./signed-post";

export const DEFAULT_SEND_TIMEOUT_MS = 3_000;
/** Sockets per sender; above any sensible broadcast concurrency so posts never queue inside the agent. */
export const DEFAULT_MAX_SOCKETS = 256;

export interface ApiGatewaySenderOptions {
  /** A ready client (its own retry and handler settings are kept). Otherwise one is built for `endpoint`. */
  client?: ApiGatewayManagementApiClient;
  /** The @connections base, stage path included: see managementEndpointFromEvent. */
  endpoint?: string;
  /** Per post, from the call to the answer: the SDK's own requestTimeout does not always fire. */
  timeoutMs?: number;
  /** Region to sign for; read from an execute-api host, else the SDK's default chain. */
  region?: string;
  maxSockets?: number;
}

const throttlingNames = new Set([
  "LimitExceededException",
  "TooManyRequestsException",
  "ThrottlingException",
]);
/** Socket-level errors of a reused keep-alive connection the server had just closed: a new socket will do. */
const transientSocketCodes = new Set(["ECONNRESET", "EPIPE"]);

/**
 * PostToConnection and DeleteConnection, each outcome as data (see ConnectionSender). Built for an `endpoint`,
 * posts are single requests signed by the real SDK client's SigV4 signer (signed-post.ts); with a ready `client`
 * (a test's stand-in), everything goes through its `send`.
 */
export function createApiGatewaySender({
  client,
  endpoint,
  timeoutMs = DEFAULT_SEND_TIMEOUT_MS,
  region,
  maxSockets = DEFAULT_MAX_SOCKETS,
}: ApiGatewaySenderOptions): ConnectionSender {
  if (!client) {
    if (!endpoint) throw new Error("createApiGatewaySender needs a client or an endpoint");
    const agents = {
      http: new HttpAgent({ keepAlive: true, maxSockets }),
      https: new HttpsAgent({ keepAlive: true, maxSockets }),
    };
    const api = createManagementClient({ endpoint, timeoutMs, region, agents });
    return {
      // The SDK's client signs; the post itself skips its middleware stack (see signed-post.ts).
      send: createSignedPost({ endpoint, client: api, agents, timeoutMs, classify: classifyPostError }),
      close: (input) => closeConnection(api, input, timeoutMs),
    };
  }
  const api = client;
  return {
    async send({ connectionId, data }) {
      const controller = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      // The abort signal ends the HTTP request; the race ends the wait even if the SDK ignores the signal.
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        await Promise.race([
          api.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }), {
            abortSignal: controller.signal,
          }),
          timedOut,
        ]);
        return { status: "delivered" };
      } catch (error) {
        if (controller.signal.aborted) return { status: "failed", reason: `timed out after ${timeoutMs} ms` };
        return classifyPostError(error);
      } finally {
        clearTimeout(timer);
      }
    },

    close: (input) => closeConnection(api, input, timeoutMs),
  };
}

/** DeleteConnection through the SDK (rare: a removal closes a member's sockets), its outcome as data. */
async function closeConnection(
  api: ApiGatewayManagementApiClient,
  { connectionId }: { connectionId: string },
  timeoutMs: number,
): Promise<SendOutcome> {
  try {
    await api.send(new DeleteConnectionCommand({ ConnectionId: connectionId }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    return { status: "delivered" };
  } catch (error) {
    return classifyPostError(error);
  }
}

/** Maps a PostToConnection error to an outcome: 410 gone, throttling and 5xx retryable, the rest failed. */
export function classifyPostError(error: unknown): SendOutcome {
  const { name, code, message, $metadata } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  const reason = `${name ?? "Error"}${status ? ` (HTTP ${status})` : ""}: ${message ?? String(error)}`;
  // A bare 410 surfaces as name "Unknown"; the status code is the reliable signal.
  if (name === "GoneException" || status === 410) return { status: "gone" };
  if (status === 429 || (name && throttlingNames.has(name))) return { status: "retryable", reason };
  if (status !== undefined && status >= 500) return { status: "retryable", reason };
  if (code && transientSocketCodes.has(code)) return { status: "retryable", reason };
  return { status: "failed", reason };
}

function createManagementClient({
  endpoint,
  timeoutMs,
  region,
  agents,
}: {
  endpoint: string;
  timeoutMs: number;
  region: string | undefined;
  agents: { http: HttpAgent; https: HttpsAgent };
}) {
  const { hostname } = new URL(endpoint);
  const local = isLoopbackHost(hostname);
  const signingRegion = region ?? regionOfExecuteApiHost(hostname) ?? (local ? "local" : undefined);
  return new ApiGatewayManagementApiClient({
    endpoint,
    // Our own loop does the backoff (with jitter, bounded); SDK retries would multiply it.
    maxAttempts: 1,
    // The local gateway checks no signature; it needs neither real credentials nor a real region.
    ...(local && { credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
    ...(signingRegion && { region: signingRegion }),
    requestHandler: new NodeHttpHandler({
      // One TLS handshake per socket, not per post: a broadcast reuses the same few sockets.
      httpAgent: agents.http,
      httpsAgent: agents.https,
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
    }),
  });
}

/** `abc123.execute-api.eu-west-1.amazonaws.com` → `eu-west-1`. */
export function regionOfExecuteApiHost(hostname: string): string | undefined {
  return /^[^.]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(hostname)?.[1];
}
