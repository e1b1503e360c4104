import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDb, type Db } from "@rooms/core/db";
import { isLoopbackHost } from "@rooms/core/net";
import { Resource } from "sst";

/**
 * The table, for every route that reads or writes it. On AWS: SST links `Table` (SST_RESOURCE_Table, read by
 * `Resource` on first access). The local stack sets the same variable, plus DYNAMODB_ENDPOINT to reach DynamoDB
 * Local. Built on first use and kept for the life of the container, so a warm invocation pays for none of it.
 */

let db: Db | undefined;

/** The single table's ElectroDB service. */
export function getDb(): Db {
  db ??= createDb({ client: createDynamoClient(), table: Resource.Table.name });
  return db;
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
