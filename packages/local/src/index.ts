export { ConnectionRegistry, type LiveConnection } from "./connection-registry";
export type { CorsConfig } from "./cors";
export type { GatewayLogger, LogOption } from "./gateway-logger";
export { type LocalGateway, type LocalGatewayOptions, startLocalGateway } from "./local-gateway";
export { type LocalStack, type LocalStackOptions, startLocalStack } from "./local-stack";
export type { LambdaHandler, RouteHandler } from "./route-handlers";
export type { WebSocketAuthorizer } from "./websocket-authorizer";
export type { RouteInvocation } from "./websocket-gateway";
