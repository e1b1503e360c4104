import {
  createServer,
  type IncomingMessage,
  STATUS_CODES,
  validateHeaderName,
  validateHeaderValue,
} from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { apiGatewayId } from "./api-gateway-ids";
import { ConnectionRegistry } from "./connection-registry";
import { errorsOnlyLogger, type GatewayLogger } from "./gateway-logger";
import { InvocationTimeoutError, invokeHandler } from "./invoke-handler";
import { closeServer, listen } from "./listen";
import { loggableUrl } from "./loggable-url";
import { queueFrame } from "./queue-frame";
import type { RouteHandler } from "./route-handlers";
import {
  authorizerFailure,
  compileIdentitySources,
  evaluateAuthorizerResult,
  forbidden,
  isUnauthorizedError,
  type Refusal,
  unauthorized,
  type WebSocketAuthorizer,
} from "./websocket-authorizer";
import {
  authorizerEvent,
  type ConnectionFacts,
  connectEvent,
  connectionFacts,
  connectMethodArn,
  disconnectEvent,
  messageEvent,
} from "./websocket-events";

/** API Gateway refuses client frames over 32 KB with close code 1009. */
export const MAX_CLIENT_FRAME_BYTES = 32 * 1024;
export const IDLE_TIMEOUT_MS = 10 * 60 * 1000;
export const MAX_DURATION_MS = 2 * 60 * 60 * 1000;

export interface WebSocketGatewayOptions {
  /** "$connect", "$disconnect", "$default" and custom keys selected by `$request.body.action`. */
  routes: readonly RouteHandler[];
  /** Shared with the @connections API; a fresh one when omitted. */
  connections?: ConnectionRegistry;
  port?: number;
  host?: string;
  /** The fault switch GATEWAY_SKIP_DISCONNECT: closed sockets are dropped without invoking $disconnect. */
  skipDisconnect?: boolean;
  /** Closes (1001 "Going away") a socket with no client frame for this long. AWS: 10 minutes. */
  idleTimeoutMs?: number;
  /** Closes (1001 "Going away") any socket this long after it connected. AWS: 2 hours. */
  maxDurationMs?: number;
  maxFrameBytes?: number;
  /** API Gateway's integration timeout (29 s for WebSocket APIs). */
  timeoutMs?: number;
  stage?: string;
  /**
   * A Lambda REQUEST authorizer run before $connect, as API Gateway does: missing identity sources 401
   * (not invoked), a thrown "Unauthorized" 401, a Deny policy 403, anything else that fails 500; on Allow,
   * `{ principalId, ...context }` becomes `requestContext.authorizer` of every event of the connection.
   */
  authorizer?: WebSocketAuthorizer;
  logger?: GatewayLogger;
  /** Told of each route invocation when it ends: route key and how long the integration took (tests, benchmarks). */
  onInvocation?: (invocation: RouteInvocation) => void;
}

/**
 * One route invocation as the gateway saw it: from handing the event to the handler until its answer (or
 * failure), the integration time that API Gateway's 29 s timeout bounds and Lambda's REPORT line calls Duration.
 */
export interface RouteInvocation {
  routeKey: string;
  durationMs: number;
  ok: boolean;
}

export interface WebSocketGateway {
  url: string;
  port: number;
  connections: ConnectionRegistry;
  /** Closes every socket (1001, running $disconnect unless skipped), waits for in-flight handlers, stops listening. */
  close(): Promise<void>;
}

/**
 * An API Gateway WebSocket API on `ws`: $connect decides the handshake, each text frame goes to the route
 * its `action` names (else $default), closes run $disconnect, and idle or old sockets are closed as AWS does.
 */
export async function startWebSocketGateway({
  routes,
  connections = new ConnectionRegistry(),
  port = 0,
  host = "127.0.0.1",
  skipDisconnect = false,
  idleTimeoutMs = IDLE_TIMEOUT_MS,
  maxDurationMs = MAX_DURATION_MS,
  maxFrameBytes = MAX_CLIENT_FRAME_BYTES,
  timeoutMs = 29_000,
  stage = "local",
  authorizer,
  logger = errorsOnlyLogger,
  onInvocation,
}: WebSocketGatewayOptions): Promise<WebSocketGateway> {
  const routesByKey = new Map(routes.map((route) => [route.routeKey, route]));
  const apiId = "local-ws";
  const hasIdentity = authorizer && compileIdentitySources(authorizer.identitySources);
  const inFlight = new Set<Promise<unknown>>();
  const handshakes = new Set<Duplex>();
  const acceptedHeaders = new WeakMap<IncomingMessage, Record<string, string>>();
  const track = <T>(promise: Promise<T>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => {});
    return promise;
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxFrameBytes,
    // As on AWS, a subprotocol is agreed only if $connect returned it in Sec-WebSocket-Protocol.
    handleProtocols: (protocols, request) => {
      const chosen = headerValue(acceptedHeaders.get(request), "sec-websocket-protocol");
      return chosen && protocols.has(chosen) ? chosen : false;
    },
  });
  wss.on("headers", (lines, request) => {
    for (const [name, value] of Object.entries(acceptedHeaders.get(request) ?? {})) {
      if (name.toLowerCase() !== "sec-websocket-protocol") lines.push(`${name}: ${value}`);
    }
  });

  /** Invokes a route's handler; failures are logged and reported, never thrown. */
  async function invoke(routeKey: string, event: unknown) {
    const route = routesByKey.get(routeKey);
    if (!route) return { ok: true as const, result: undefined };
    const startedAt = performance.now();
    const ended = (ok: boolean) =>
      onInvocation?.({ routeKey, durationMs: performance.now() - startedAt, ok });
    try {
      const result = await invokeHandler(route, event, { timeoutMs });
      ended(true);
      return { ok: true as const, result };
    } catch (error) {
      ended(false);
      logger.error(`WS ${routeKey} failed:`, error);
      return { ok: false as const, error };
    }
  }

  function runDisconnect(facts: ConnectionFacts, close: { code: number; reason: string }) {
    if (skipDisconnect) {
      logger.info(
        `WS ${facts.connectionId} closed ${close.code}; $disconnect skipped (GATEWAY_SKIP_DISCONNECT)`,
      );
      return;
    }
    logger.info(`WS ${facts.connectionId} closed ${close.code} -> $disconnect`);
    void track(invoke("$disconnect", disconnectEvent(facts, apiGatewayId(), close)));
  }

  /**
   * Runs the REQUEST authorizer for a handshake the way API Gateway does. Returns the refusal to answer
   * with, or sets `facts.authorizer` (what every event of the connection will carry) and returns undefined.
   */
  async function authorize(facts: ConnectionFacts, requestId: string): Promise<Refusal | undefined> {
    if (!authorizer || !hasIdentity) return undefined;
    if (!hasIdentity(facts)) return unauthorized;
    const name = authorizer.handler.functionName ?? authorizer.handler.routeKey;
    const methodArn = connectMethodArn(facts);
    let result: unknown;
    try {
      result = await invokeHandler(authorizer.handler, authorizerEvent(facts, requestId), { timeoutMs });
    } catch (error) {
      if (isUnauthorizedError(error)) return unauthorized;
      logger.error(`WS authorizer ${name} failed:`, error);
      return authorizerFailure;
    }
    try {
      const decision = evaluateAuthorizerResult(result, methodArn);
      if (decision.effect === "Deny") return forbidden;
      facts.authorizer = decision.authorizer;
      return undefined;
    } catch (error) {
      logger.error(`WS authorizer ${name} returned a result API Gateway cannot use:`, error);
      return authorizerFailure;
    }
  }

  async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
    handshakes.add(socket);
    socket.on("error", () => {});
    let opened = false;
    try {
      if (!isWebSocketHandshake(request)) {
        // Not a WebSocket opening handshake (e.g. `Upgrade: h2c`): refused before any Lambda runs.
        logger.info(`WS ${loggableUrl(request.url)} refused 400: not a WebSocket handshake`);
        return refuseHandshake(socket, { statusCode: 400, headers: {}, body: '{"message":"Bad Request"}' });
      }
      const facts = connectionFacts(request, {
        connectionId: apiGatewayId(),
        connectedAt: Date.now(),
        apiId,
        stage,
      });
      const requestId = apiGatewayId();
      const denied = await track(authorize(facts, requestId));
      if (denied) {
        logger.info(`WS ${loggableUrl(request.url)} refused ${denied.statusCode} by the authorizer`);
        return refuseHandshake(socket, denied);
      }
      // The client left while the authorizer ran: there is no connection to run $connect for.
      if (socket.destroyed) return;
      const outcome = await track(invoke("$connect", connectEvent(facts, requestId)));
      const refusal = outcome.ok
        ? connectRefusal(outcome.result)
        : { statusCode: 500, headers: {}, body: '{"message": "Internal server error"}' };
      if (refusal) {
        logger.info(`WS ${loggableUrl(request.url)} refused ${refusal.statusCode}`);
        return refuseHandshake(socket, refusal);
      }
      if (socket.destroyed) {
        // The client left while $connect ran: AWS still tells the backend the connection is gone.
        return runDisconnect(facts, { code: 1006, reason: "" });
      }
      acceptedHeaders.set(request, connectHeaders(outcome.result));
      wss.handleUpgrade(request, socket, head, (ws) => {
        opened = true;
        onOpen(ws, facts);
      });
      // `ws` completes (or refuses, e.g. a malformed Sec-WebSocket-Protocol) synchronously. $connect said yes,
      // so a refusal here must still tell the backend the connection is gone.
      if (!opened) runDisconnect(facts, { code: 1006, reason: "" });
    } catch (error) {
      // Whatever a handshake brings, it fails alone: a 500 for that request, never an unhandled rejection.
      logger.error(`WS ${loggableUrl(request.url)} handshake failed in the gateway:`, error);
      if (opened) socket.destroy();
      else
        refuseHandshake(socket, {
          statusCode: 500,
          headers: {},
          body: '{"message": "Internal server error"}',
        });
    } finally {
      handshakes.delete(socket);
    }
  }

  function onOpen(socket: WebSocket, facts: ConnectionFacts) {
    const { connectionId } = facts;
    const connection = {
      connectionId,
      socket,
      connectedAt: facts.connectedAt,
      lastActiveAt: facts.connectedAt,
      sourceIp: facts.sourceIp,
      userAgent: facts.userAgent,
    };
    connections.add(connection);
    logger.info(`WS ${connectionId} connected`);

    const goAway = (why: string) => () => {
      logger.info(`WS ${connectionId} ${why}: closing 1001`);
      socket.close(1001, "Going away");
    };
    let idleTimer = setTimeout(goAway("idle timeout"), idleTimeoutMs);
    const maxDurationTimer = setTimeout(goAway("maximum duration"), maxDurationMs);

    socket.on("error", (error) => logger.info(`WS ${connectionId} socket error: ${error.message}`));
    socket.on("message", (data, isBinary) => {
      connection.lastActiveAt = Date.now();
      clearTimeout(idleTimer);
      idleTimer = setTimeout(goAway("idle timeout"), idleTimeoutMs);
      if (isBinary) {
        socket.close(1003, "Binary frames are not supported");
        return;
      }
      void track(
        onMessage(socket, facts, rawDataToString(data)).catch((error) => {
          logger.error(`WS ${connectionId} frame failed:`, error);
          queueFrame(
            socket,
            JSON.stringify({ message: "Internal server error", connectionId, requestId: apiGatewayId() }),
          );
        }),
      );
    });
    socket.on("close", (code, reason) => {
      clearTimeout(idleTimer);
      clearTimeout(maxDurationTimer);
      connections.remove(connectionId);
      runDisconnect(facts, { code, reason: reason.toString() });
    });
  }

  async function onMessage(socket: WebSocket, facts: ConnectionFacts, body: string) {
    const routeKey = selectRoute(body, routesByKey);
    const requestId = apiGatewayId();
    const reply = (message: string) =>
      queueFrame(socket, JSON.stringify({ message, connectionId: facts.connectionId, requestId }));
    if (!routesByKey.has(routeKey)) return reply("Forbidden");
    const startedAt = Date.now();
    const outcome = await invoke(routeKey, messageEvent(facts, routeKey, body, requestId, apiGatewayId()));
    logger.info(
      `WS ${facts.connectionId} ${routeKey} ${outcome.ok ? "ok" : "failed"} ${Date.now() - startedAt}ms`,
    );
    if (!outcome.ok) {
      reply(
        outcome.error instanceof InvocationTimeoutError
          ? "Endpoint request timed out"
          : "Internal server error",
      );
    }
  }

  const server = createServer((_request, response) => {
    // A plain HTTP request to a WebSocket API: AWS answers 426-ish refusals; a clear 426 helps most.
    response.writeHead(426, { "content-type": "application/json" }).end('{"message":"Upgrade Required"}');
  });
  server.on("upgrade", (request, socket, head) => {
    // handleUpgrade answers its own failures; this only keeps a failure in that answer from escaping.
    handleUpgrade(request, socket, head).catch((error) => {
      logger.error(`WS ${loggableUrl(request.url)} handshake failed:`, error);
      socket.destroy();
    });
  });
  const boundPort = await listen(server, port, host);

  return {
    url: `ws://${host}:${boundPort}`,
    port: boundPort,
    connections,
    async close() {
      for (const socket of handshakes) socket.destroy();
      const open = connections.list().map(({ socket }) => socket);
      await Promise.all(open.map((socket) => closeSocket(socket)));
      await settleWithin([...inFlight], 5_000);
      wss.close();
      await closeServer(server);
    },
  };
}

/** `$request.body.action` when the frame is a JSON object naming a custom route; `$default` otherwise. */
export function selectRoute(body: string, routes: ReadonlyMap<string, unknown>): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "action" in parsed) {
      const { action } = parsed as { action: unknown };
      if (typeof action === "string" && !action.startsWith("$") && routes.has(action)) return action;
    }
  } catch {
    // Not JSON: API Gateway falls back to $default.
  }
  return "$default";
}

/** A $connect result refuses the handshake when it carries a status outside 2xx. */
function connectRefusal(result: unknown): Refusal | undefined {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) return undefined;
  const { statusCode, headers, body } = result as {
    statusCode: unknown;
    headers?: Record<string, unknown>;
    body?: unknown;
  };
  const status = Number(statusCode);
  if (status >= 200 && status < 300) return undefined;
  return {
    statusCode: Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500,
    headers: validHeaders(headers),
    body: typeof body === "string" ? body : "",
  };
}

function connectHeaders(result: unknown): Record<string, string> {
  if (typeof result !== "object" || result === null || !("headers" in result)) return {};
  return validHeaders((result as { headers?: unknown }).headers);
}

/**
 * A handler's headers as strings, leaving out any name or value HTTP does not allow (a CR or LF in a
 * value would otherwise split the raw handshake response written below).
 */
function validHeaders(headers: unknown): Record<string, string> {
  if (typeof headers !== "object" || headers === null) return {};
  const valid: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    const value = String(raw);
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch {
      continue;
    }
    valid[name] = value;
  }
  return valid;
}

const headerValue = (headers: Record<string, string> | undefined, name: string) =>
  Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];

/** What `ws` will accept: GET, `Upgrade: websocket`, a well-formed key, version 13 (or 8). */
function isWebSocketHandshake(request: IncomingMessage): boolean {
  const key = request.headers["sec-websocket-key"];
  const version = request.headers["sec-websocket-version"];
  return (
    request.method === "GET" &&
    String(request.headers.upgrade ?? "").toLowerCase() === "websocket" &&
    typeof key === "string" &&
    /^[+/0-9A-Za-z]{22}==$/.test(key) &&
    (Number(version) === 13 || Number(version) === 8)
  );
}

/** Answers the upgrade request with a plain HTTP response and never completes the handshake. */
function refuseHandshake(socket: Duplex, { statusCode, headers, body }: Refusal) {
  if (socket.destroyed) return;
  const payload = Buffer.from(body);
  const lines = [
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? "Error"}`,
    ...Object.entries({ "Content-Type": "application/json", ...headers }).map(([k, v]) => `${k}: ${v}`),
    `Content-Length: ${payload.length}`,
    "Connection: close",
  ];
  socket.end(Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), payload]));
}

function rawDataToString(data: RawData) {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) return resolve();
    const force = setTimeout(() => socket.terminate(), 2_000);
    socket.once("close", () => {
      clearTimeout(force);
      resolve();
    });
    socket.close(1001, "Going away");
  });
}

async function settleWithin(promises: Promise<unknown>[], ms: number) {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
