import { ConnectionRegistry } from "./connection-registry";
import { type ConnectionsApi, type PostFaults, startConnectionsApi } from "./connections-api";
import type { CorsConfig } from "./cors";
import { type LogOption, toLogger } from "./gateway-logger";
import { type HttpGateway, startHttpGateway } from "./http-gateway";
import type { RouteHandler } from "./route-handlers";
import type { WebSocketAuthorizer } from "./websocket-authorizer";
import { type RouteInvocation, startWebSocketGateway, type WebSocketGateway } from "./websocket-gateway";

export interface LocalGatewayOptions {
  httpRoutes: readonly RouteHandler[];
  webSocketRoutes: readonly RouteHandler[];
  /** The WebSocket API's $connect REQUEST authorizer (see WebSocketGatewayOptions.authorizer); none when omitted. */
  authorizer?: WebSocketAuthorizer;
  /** 0 (the default) picks a free port for each server. */
  httpPort?: number;
  wsPort?: number;
  connectionsPort?: number;
  host?: string;
  cors?: CorsConfig | false;
  skipDisconnect?: boolean;
  idleTimeoutMs?: number;
  maxDurationMs?: number;
  log?: LogOption;
  /** GATEWAY_POST_RATE: @connections answers 429 past this many posts per second (all connections); none by default. */
  postRateLimit?: number;
  /** Injected PostToConnection failures (tests). */
  postFaults?: PostFaults;
  /** Told of each WebSocket route invocation when it ends, with its duration (see RouteInvocation). */
  onInvocation?: (invocation: RouteInvocation) => void;
}

export interface LocalGateway {
  httpUrl: string;
  wsUrl: string;
  /** The @connections management endpoint, stage path included: http://127.0.0.1:PORT/local. */
  connectionsUrl: string;
  connections: ConnectionRegistry;
  stop(): Promise<void>;
}

/**
 * The three servers that stand in for API Gateway (HTTP API, WebSocket API, @connections), serving the
 * handlers given. The local stack passes the real manifest; gateway tests pass inline handlers.
 */
export async function startLocalGateway({
  httpRoutes,
  webSocketRoutes,
  authorizer,
  httpPort = 0,
  wsPort = 0,
  connectionsPort = 0,
  host = "127.0.0.1",
  cors,
  skipDisconnect = false,
  idleTimeoutMs,
  maxDurationMs,
  log,
  postRateLimit,
  postFaults,
  onInvocation,
}: LocalGatewayOptions): Promise<LocalGateway> {
  const logger = toLogger(log);
  const connections = new ConnectionRegistry();
  const started: { close(): Promise<void> }[] = [];
  try {
    const connectionsApi: ConnectionsApi = await startConnectionsApi({
      connections,
      port: connectionsPort,
      host,
      logger,
      ...(postRateLimit !== undefined && { postRateLimit }),
      ...(postFaults && { postFaults }),
    });
    started.push(connectionsApi);
    const http: HttpGateway = await startHttpGateway({
      routes: httpRoutes,
      port: httpPort,
      host,
      logger,
      ...(cors !== undefined && { cors }),
    });
    started.push(http);
    const ws: WebSocketGateway = await startWebSocketGateway({
      routes: webSocketRoutes,
      connections,
      port: wsPort,
      host,
      skipDisconnect,
      logger,
      ...(authorizer && { authorizer }),
      ...(idleTimeoutMs !== undefined && { idleTimeoutMs }),
      ...(maxDurationMs !== undefined && { maxDurationMs }),
      ...(onInvocation && { onInvocation }),
    });
    started.push(ws);
    return {
      httpUrl: http.url,
      wsUrl: ws.url,
      connectionsUrl: connectionsApi.url,
      connections,
      // Sockets first: their $disconnect handlers still need @connections and the HTTP side is independent.
      stop: async () => {
        await ws.close();
        await Promise.all([http.close(), connectionsApi.close()]);
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.close()));
    throw error;
  }
}
