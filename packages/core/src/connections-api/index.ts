/**
 * The @connections API (API Gateway Management API) as handlers use it: the real sender and the endpoint it
 * posts to. A subpath of its own (the `broadcast` index exports the same, for core's tests and the local stack)
 * so that a handler can load the SDK client when it first posts (`await import("@rooms/core/connections-api")`)
 * and a route that never posts never bundles it.
 */
export {
  type ApiGatewaySenderOptions,
  createApiGatewaySender,
  DEFAULT_SEND_TIMEOUT_MS,
} from "../broadcast/api-gateway-sender";
export { managementEndpointFromEvent, type WebSocketRequestContext } from "../broadcast/management-endpoint";
