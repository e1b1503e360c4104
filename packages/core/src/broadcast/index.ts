export {
  type ApiGatewaySenderOptions,
  classifyPostError,
  createApiGatewaySender,
  DEFAULT_SEND_TIMEOUT_MS,
} from "./api-gateway-sender";
export { type BroadcastToRoomOptions, broadcastToRoom, DEFAULT_CONCURRENCY } from "./broadcast-to-room";
export {
  CACHEABLE_FRAME_TYPES,
  ConnectionListCache,
  type ConnectionListCacheOptions,
  type ListedConnection,
  listRoomConnections,
} from "./connection-list-cache";
export type { BroadcastResult, ConnectionSender, SendOutcome } from "./connection-sender";
export type { BroadcastLogEntry, DeliveryOptions } from "./delivery-options";
export { DEFAULT_BASE_DELAY_MS, DEFAULT_MAX_DELAY_MS } from "./full-jitter-backoff";
export {
  type ManagementEndpointInput,
  managementEndpointFromEvent,
  normalizeEndpoint,
  type WebSocketRequestContext,
} from "./management-endpoint";
export { type PruneGoneConnectionOptions, pruneGoneConnection } from "./prune-gone-connection";
export { type SendToConnectionOptions, sendToConnection } from "./send-to-connection";
export {
  DEFAULT_MAX_RETRIES,
  DEFAULT_THROTTLE_BUDGET_MS,
  INLINE_THROTTLE_BUDGET_MS,
} from "./send-with-retry";
export { serializeFrame } from "./serialize-frame";
export { createSignedPost, type SignedPostOptions } from "./signed-post";
export { DEFAULT_ACCOUNT_POST_RATE, DEFAULT_THROTTLE_SHARE, reportThrottleShare } from "./throttle-share";
