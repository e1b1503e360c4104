import {
  createApiGatewaySender,
  managementEndpointFromEvent,
  type ConnectionSender,
  type WebSocketRequestContext,
} from "@rooms/core/broadcast";
import { Resource } from "sst";

/**
 * The @connections API, for the routes that post to or close sockets: every WebSocket route and
 * `DELETE /rooms/{roomId}/members/{userId}`. SST links `Realtime` to them (its `managementEndpoint`). One
 * sender per endpoint, built on first use and kept for the life of the container.
 */

let configuredEndpoint: { value: string | undefined } | undefined;
const senders = new Map<string, ConnectionSender>();

/** The @connections sender for a route that is not a WebSocket event (an HTTP route): the linked endpoint only. */
export function getLinkedSender(): ConnectionSender {
  configuredEndpoint ??= { value: linkedManagementEndpoint() };
  const endpoint = configuredEndpoint.value;
  if (!endpoint) throw new Error("This route needs the WebSocket API linked (Resource.Realtime.managementEndpoint)");
  return senderFor(endpoint);
}

/** The @connections sender: `Realtime.managementEndpoint` when linked, else derived from the event. */
export function getSender(requestContext: WebSocketRequestContext): ConnectionSender {
  configuredEndpoint ??= { value: linkedManagementEndpoint() };
  return senderFor(managementEndpointFromEvent({ configured: configuredEndpoint.value, requestContext }));
}

function senderFor(endpoint: string): ConnectionSender {
  let sender = senders.get(endpoint);
  if (!sender) senders.set(endpoint, (sender = createApiGatewaySender({ endpoint })));
  return sender;
}

function linkedManagementEndpoint(): string | undefined {
  // `in` does not throw for an unlinked resource (a property read does).
  return "Realtime" in Resource ? Resource.Realtime.managementEndpoint || undefined : undefined;
}
