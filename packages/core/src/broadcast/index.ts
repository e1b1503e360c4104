export * as Broadcast from "./broadcast";
export { broadcastToRoom, DEFAULT_CONCURRENCY, type BroadcastToRoomOptions } from "./broadcast-to-room";
export { sendToConnection, type SendToConnectionOptions } from "./send-to-connection";
export { pruneGoneConnection, type PruneGoneConnectionOptions } from "./prune-gone-connection";
export {
  createApiGatewaySender,
  classifyPostError,
  DEFAULT_SEND_TIMEOUT_MS,
  type ApiGatewaySenderOptions,
} from "./api-gateway-sender";
export {
  managementEndpointFromEvent,
  normalizeEndpoint,
  type ManagementEndpointInput,
  type WebSocketRequestContext,
} from "./management-endpoint";
export { serializeFrame } from "./serialize-frame";
export { DEFAULT_MAX_RETRIES } from "./send-with-retry";
export { DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS } from "./full-jitter-backoff";
export type { BroadcastResult, ConnectionSender, SendOutcome } from "./connection-sender";
export type { BroadcastLogEntry, DeliveryOptions } from "./delivery-options";
