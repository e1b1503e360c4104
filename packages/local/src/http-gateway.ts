import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { apiGatewayId } from "./api-gateway-ids";
import { type CorsConfig, defaultCors, isPreflight, preflightHeaders, responseCorsHeaders } from "./cors";
import { errorsOnlyLogger, type GatewayLogger } from "./gateway-logger";
import { buildHttpApiEvent } from "./http-api-event";
import { apiGatewayError, type HttpApiResponse, toHttpApiResponse } from "./http-api-response";
import { compileHttpRoutes } from "./http-route-matcher";
import { InvocationTimeoutError, invokeHandler } from "./invoke-handler";
import { closeServer, listen } from "./listen";
import { loggableUrl } from "./loggable-url";
import { readBody } from "./read-body";
import type { RouteHandler } from "./route-handlers";

/** API Gateway's HTTP API payload limit. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface HttpGatewayOptions {
  routes: readonly RouteHandler[];
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** The API's CORS configuration; `false` turns CORS off. Defaults to SST's `cors: true`. */
  cors?: CorsConfig | false;
  /** API Gateway's integration timeout (30 s for HTTP APIs); the function's context counts down from it. */
  timeoutMs?: number;
  logger?: GatewayLogger;
}

export interface HttpGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** An API Gateway HTTP API on node:http: routes a request, invokes its handler in-process, writes the result. */
export async function startHttpGateway({
  routes,
  port = 0,
  host = "127.0.0.1",
  cors = defaultCors,
  timeoutMs = 30_000,
  logger = errorsOnlyLogger,
}: HttpGatewayOptions): Promise<HttpGateway> {
  const matchRoute = compileHttpRoutes(routes);
  const apiId = "local-http";

  async function respond(
    request: IncomingMessage,
    body: Buffer | undefined,
    requestId: string,
  ): Promise<HttpApiResponse> {
    const method = request.method ?? "GET";
    if (!body) return apiGatewayError(413, "Request Entity Too Large");
    if (cors && isPreflight(method, request.headers)) {
      return {
        statusCode: 204,
        headers: preflightHeaders(cors, request.headers),
        cookies: [],
        body: Buffer.alloc(0),
      };
    }
    const rawPath = (request.url ?? "/").split("?")[0] ?? "/";
    const match = matchRoute(method, rawPath);
    if (!match) return apiGatewayError(404, "Not Found");
    const event = buildHttpApiEvent({
      request,
      body,
      routeKey: match.routeKey,
      pathParameters: match.pathParameters,
      requestId,
      apiId,
      now: new Date(),
    });
    try {
      return toHttpApiResponse(await invokeHandler(match.route, event, { timeoutMs }));
    } catch (error) {
      logger.error(`HTTP ${method} ${loggableUrl(rawPath)} (${match.routeKey}) failed:`, error);
      return error instanceof InvocationTimeoutError
        ? apiGatewayError(503, "Service Unavailable")
        : apiGatewayError(500, "Internal Server Error");
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse, requestId: string) {
    const startedAt = Date.now();
    const body = await readBody(request, MAX_REQUEST_BYTES);
    const result = await respond(request, body, requestId);
    const headers =
      cors && !isPreflight(request.method ?? "", request.headers)
        ? { ...withoutCorsHeaders(result.headers), ...responseCorsHeaders(cors, request.headers) }
        : result.headers;
    writeResponse(response, { ...result, headers: { ...headers, "apigw-requestid": requestId } });
    logger.info(
      `HTTP ${request.method} ${loggableUrl(request.url)} ${result.statusCode} ${Date.now() - startedAt}ms`,
    );
  }

  const server = createServer((request, response) => {
    const requestId = apiGatewayId();
    // Whatever a request brings, it fails alone: a 500 for that request, never an unhandled rejection.
    handle(request, response, requestId).catch((error) => {
      logger.error(`HTTP ${request.method} ${loggableUrl(request.url)} failed in the gateway:`, error);
      if (response.headersSent) return void response.destroy();
      for (const name of response.getHeaderNames()) response.removeHeader(name);
      writeResponse(response, {
        ...apiGatewayError(500, "Internal Server Error"),
        headers: { "content-type": "application/json", "apigw-requestid": requestId },
      });
    });
  });

  const boundPort = await listen(server, port, host);
  return { url: `http://${host}:${boundPort}`, port: boundPort, close: () => closeServer(server) };
}

/** With CORS configured, API Gateway ignores CORS headers returned by the integration. */
function withoutCorsHeaders(headers: Record<string, string>) {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith("access-control-")));
}

function writeResponse(response: ServerResponse, { statusCode, headers, cookies, body }: HttpApiResponse) {
  response.statusCode = statusCode;
  for (const [name, value] of Object.entries(headers)) {
    try {
      response.setHeader(name, value);
    } catch {
      // A header name or value HTTP does not allow (e.g. a newline from a handler): dropped, not fatal.
    }
  }
  if (cookies.length > 0) response.setHeader("set-cookie", cookies);
  response.setHeader("content-length", body.length);
  response.end(body);
}

/** The whole body, or undefined once it passes `limit` (the rest is drained so the reply can still be read). */
