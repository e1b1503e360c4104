import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { apiGatewayId } from "./api-gateway-ids";
import type { ConnectionRegistry } from "./connection-registry";
import { errorsOnlyLogger, type GatewayLogger } from "./gateway-logger";
import { closeServer, listen } from "./listen";
import { MAX_BUFFERED_BYTES, queueFrame } from "./queue-frame";
import { readBody } from "./read-body";

/** API Gateway refuses to post more than 128 KB to a connection. */
export const MAX_POST_BYTES = 128 * 1024;

export interface ConnectionsApiOptions {
  connections: ConnectionRegistry;
  /** Default 3002 is the CLI's business; here 0 (a free port) unless given. */
  port?: number;
  host?: string;
  /** The stage path the management endpoint ends with: http://127.0.0.1:PORT/<stage>. */
  stage?: string;
  logger?: GatewayLogger;
  /**
   * GATEWAY_POST_RATE: at most this many PostToConnection calls per second over all connections (a sliding
   * one-second window, like API Gateway's account-wide throttle); the rest are answered 429
   * LimitExceededException. Omitted: no limit.
   */
  postRateLimit?: number;
  /** Injected failures of PostToConnection (tests): see PostFaults. */
  postFaults?: PostFaults;
}

/**
 * A fault switch for tests: `failPosts({ after, fail })` lets `after` more posts through, then answers the next
 * `fail` ones 500 InternalServerErrorException (what a broken integration, or a worker cut off mid-page, meets).
 */
export class PostFaults {
  #pass = 0;
  #fail = 0;
  failPosts({ after, fail }: { after: number; fail: number }) {
    this.#pass = after;
    this.#fail = fail;
  }
  /** True when this post is to fail. */
  take(): boolean {
    if (this.#fail === 0) return false;
    if (this.#pass > 0) {
      this.#pass--;
      return false;
    }
    this.#fail--;
    return true;
  }
}

export interface ConnectionsApi {
  /** The management endpoint to give ApiGatewayManagementApiClient, stage path included. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The WebSocket API's @connections management API (PostToConnection, GetConnection, DeleteConnection),
 * answering the real SDK client: errors carry `x-amzn-errortype`, which the SDK turns into GoneException etc.
 * Requests must be SigV4-signed (any credentials), as AWS refuses unsigned ones.
 */
export async function startConnectionsApi({
  connections,
  port = 0,
  host = "127.0.0.1",
  stage = "local",
  logger = errorsOnlyLogger,
  postRateLimit,
  postFaults,
}: ConnectionsApiOptions): Promise<ConnectionsApi> {
  const pathPattern = new RegExp(`^/${stage}/(?:@|%40)connections/([^/?]+)$`);
  const postThrottle = postRateLimit === undefined ? undefined : slidingWindowLimiter(postRateLimit, 1_000);

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request, MAX_POST_BYTES);
    const rawPath = (request.url ?? "/").split("?")[0] ?? "/";
    const match = pathPattern.exec(rawPath);
    if (!match) return fail(response, 403, "ForbiddenException", "Forbidden");
    if (!String(request.headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256")) {
      return fail(response, 403, "MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    const connectionId = decodeURIComponent(match[1] ?? "");
    const connection = connections.get(connectionId);

    switch (request.method) {
      case "POST": {
        // Before anything about the connection: the throttle stands in front of the integration on AWS.
        if (postThrottle && !postThrottle.tryTake(performance.now())) {
          logger.info(`@connections POST ${connectionId} 429 (over ${postRateLimit}/s)`);
          return fail(response, 429, "LimitExceededException", "Rate exceeded");
        }
        if (!body)
          return fail(
            response,
            413,
            "PayloadTooLargeException",
            `Message too long; the limit is ${MAX_POST_BYTES} bytes`,
          );
        if (!connection) return gone(response);
        if (postFaults?.take())
          return fail(response, 500, "InternalServerErrorException", "Internal server error");
        // Answered once the frame is queued, never after the client read it: a client that stops reading
        // delays no one, and is dropped (410) once MAX_BUFFERED_BYTES of frames wait for it.
        if (queueFrame(connection.socket, body) === "gone") {
          logger.info(
            `@connections POST ${connectionId} 410: over ${MAX_BUFFERED_BYTES}B unread, disconnected`,
          );
          return gone(response);
        }
        logger.info(`@connections POST ${connectionId} ${body.length}B`);
        return reply(response, 200);
      }
      case "GET": {
        if (!connection) return gone(response);
        return reply(response, 200, {
          connectedAt: new Date(connection.connectedAt).toISOString(),
          identity: { sourceIp: connection.sourceIp, userAgent: connection.userAgent },
          lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
        });
      }
      case "DELETE": {
        if (!connection) return gone(response);
        logger.info(`@connections DELETE ${connectionId}`);
        connection.socket.close(1000, "");
        return reply(response, 204);
      }
      default:
        return fail(response, 403, "ForbiddenException", "Forbidden");
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      logger.error("@connections failed:", error);
      if (!response.headersSent) fail(response, 500, "InternalServerErrorException", "Internal server error");
    });
  });
  const boundPort = await listen(server, port, host);
  return { url: `http://${host}:${boundPort}/${stage}`, port: boundPort, close: () => closeServer(server) };
}

/**
 * At most `limit` events in any `windowMs`: a ring of the times of the last `limit` accepted events; a new one is
 * accepted when the oldest of them is at least `windowMs` old. Refused events do not count, so capacity comes back
 * as the window slides (as a token bucket refills), however hard callers keep trying.
 */
export function slidingWindowLimiter(limit: number, windowMs: number) {
  // One slot per allowed event: cap it (API Gateway's default account limit is 10,000 per second).
  if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) {
    throw new Error(`postRateLimit must be a positive integer up to 1000000, got ${limit}`);
  }
  const accepted = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY);
  let oldest = 0;
  return {
    tryTake(now: number): boolean {
      if (now - (accepted[oldest] ?? Number.NEGATIVE_INFINITY) < windowMs) return false;
      accepted[oldest] = now;
      oldest = (oldest + 1) % limit;
      return true;
    },
  };
}

function reply(
  response: ServerResponse,
  statusCode: number,
  json?: unknown,
  headers: Record<string, string> = {},
) {
  const body = json === undefined ? "" : JSON.stringify(json);
  response.writeHead(statusCode, {
    "x-amzn-requestid": apiGatewayId(),
    ...(json !== undefined && { "content-type": "application/json" }),
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

function fail(response: ServerResponse, statusCode: number, errorType: string, message: string | null) {
  reply(response, statusCode, { message }, { "x-amzn-errortype": errorType });
}

/** Unknown, closing and closed connections all answer 410 GoneException with a null message, as AWS does. */
const gone = (response: ServerResponse) => fail(response, 410, "GoneException", null);
