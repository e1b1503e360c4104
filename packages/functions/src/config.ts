import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  createApiGatewaySender,
  managementEndpointFromEvent,
  type ConnectionSender,
  type WebSocketRequestContext,
} from "@rooms/core/broadcast";
import { createDb, type Db } from "@rooms/core/db";
import { createIdentity, type Identity } from "@rooms/core/identity";
import { isLoopbackHost } from "@rooms/core/net";
import { Resource } from "sst";

/**
 * The one module that reads configuration. On AWS: SST links `Table`, `Realtime`, `AuthSecret` and `Identity`
 * (SST_RESOURCE_<Name> JSON env vars, read by `Resource` on first access). The local stack sets the same variables, plus
 * DYNAMODB_ENDPOINT to reach DynamoDB Local. Everything here is built on first use and kept for the life of
 * the container, so a warm invocation pays for none of it.
 */

let db: Db | undefined;
let identity: Identity | undefined;
let configuredEndpoint: { value: string | undefined } | undefined;
const senders = new Map<string, ConnectionSender>();

/** The single table's ElectroDB service. */
export function getDb(): Db {
  db ??= createDb({ client: createDynamoClient(), table: Resource.Table.name });
  return db;
}

/** Signs and verifies bearer tokens: guest tokens with the stage secret, and the stage's OIDC issuer if any. */
export function getIdentity(): Identity {
  if (identity) return identity;
  const { issuer, oidcIssuer, oidcAudience, oidcJwksUrl } = Resource.Identity;
  identity = createIdentity({
    secret: Resource.AuthSecret.value,
    issuer,
    ...(oidcIssuer && { oidc: { issuer: oidcIssuer, audience: oidcAudience || undefined, jwksUrl: oidcJwksUrl || `${oidcIssuer}/.well-known/jwks.json` } }),
  });
  return identity;
}

/** The @connections sender for a route that is not a WebSocket event (an HTTP route): the linked endpoint only. */
export function getLinkedSender(): ConnectionSender {
  configuredEndpoint ??= { value: linkedManagementEndpoint() };
  const endpoint = configuredEndpoint.value;
  if (!endpoint) throw new Error("This route needs the WebSocket API linked (Resource.Realtime.managementEndpoint)");
  let sender = senders.get(endpoint);
  if (!sender) senders.set(endpoint, (sender = createApiGatewaySender({ endpoint })));
  return sender;
}

/** The @connections sender: `Realtime.managementEndpoint` when linked, else derived from the event. */
export function getSender(requestContext: WebSocketRequestContext): ConnectionSender {
  configuredEndpoint ??= { value: linkedManagementEndpoint() };
  const endpoint = managementEndpointFromEvent({ configured: configuredEndpoint.value, requestContext });
  let sender = senders.get(endpoint);
  if (!sender) senders.set(endpoint, (sender = createApiGatewaySender({ endpoint })));
  return sender;
}

function linkedManagementEndpoint(): string | undefined {
  // `in` does not throw for an unlinked resource (a property read does).
  return "Realtime" in Resource ? Resource.Realtime.managementEndpoint || undefined : undefined;
}

function createDynamoClient(): DynamoDBClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) return new DynamoDBClient({});
  // DynamoDB Local accepts any credentials; a loopback endpoint must not go looking for real ones.
  const local = isLoopbackHost(new URL(endpoint).hostname);
  return new DynamoDBClient({
    endpoint,
    ...(local && { region: "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
  });
}
