import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  createApiGatewaySender,
  managementEndpointFromEvent,
  type ConnectionSender,
  type WebSocketRequestContext,
} from "@rooms/core/broadcast";
import { createDb, type Db } from "@rooms/core/db";
import { isLoopbackHost } from "@rooms/core/net";
import { Resource } from "sst";

/**
 * The one module that reads configuration. On AWS: SST links `Table` and `Realtime` (SST_RESOURCE_<Name>
 * JSON env vars, read by `Resource` on first access). The local stack sets the same variables, plus
 * DYNAMODB_ENDPOINT to reach DynamoDB Local. Everything here is built on first use and kept for the life of
 * the container, so a warm invocation pays for none of it.
 */

let db: Db | undefined;
let configuredEndpoint: { value: string | undefined } | undefined;
const senders = new Map<string, ConnectionSender>();

/** The single table's ElectroDB service. */
export function getDb(): Db {
  db ??= createDb({ client: createDynamoClient(), table: Resource.Table.name });
  return db;
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
