import type { ConnectionSender, WebSocketRequestContext } from "@rooms/core/broadcast";
import { Resource } from "sst";

/**
 * The @connections API, for the routes that post to or close sockets: every WebSocket route and
 * `DELETE /rooms/{roomId}/members/{userId}`. SST links `Realtime` to them (its `managementEndpoint`). The SDK
 * client is imported here and only here, on the first call; one sender per endpoint, kept for the life of
 * the container.
 */

let connectionsApi: Promise<typeof import("@rooms/core/connections-api")> | undefined;
let configuredEndpoint: { value: string | undefined } | undefined;
const senders = new Map<string, ConnectionSender>();

const loadConnectionsApi = () => (connectionsApi ??= import("@rooms/core/connections-api"));

/** The @connections sender for a route that is not a WebSocket event (an HTTP route): the linked endpoint only. */
export async function getLinkedSender(): Promise<ConnectionSender> {
  configuredEndpoint ??= { value: linkedManagementEndpoint() };
  const endpoint = configuredEndpoint.value;
  if (!endpoint)
    throw new Error("This route needs the WebSocket API linked (Resource.Realtime.managementEndpoint)");
  const { createApiGatewaySender } = await loadConnectionsApi();
  return senderFor(endpoint, createApiGatewaySender);
}

/** The @connections sender: `Realtime.managementEndpoint` when linked, else derived from the event. */
export async function getSender(requestContext: WebSocketRequestContext): Promise<ConnectionSender> {
  configuredEndpoint ??= { value: linkedManagementEndpoint() };
  const { createApiGatewaySender, managementEndpointFromEvent } = await loadConnectionsApi();
  return senderFor(
    managementEndpointFromEvent({ configured: configuredEndpoint.value, requestContext }),
    createApiGatewaySender,
  );
}

function senderFor(
  endpoint: string,
  create: (options: { endpoint: string }) => ConnectionSender,
): ConnectionSender {
  const existing = senders.get(endpoint);
  if (existing) return existing;
  const sender = create({ endpoint });
  senders.set(endpoint, sender);
  return sender;
}

function linkedManagementEndpoint(): string | undefined {
  // `in` does not throw for an unlinked resource (a property read does).
  return "Realtime" in Resource ? Resource.Realtime.managementEndpoint || undefined : undefined;
}
