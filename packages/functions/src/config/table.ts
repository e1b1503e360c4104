import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Db } from "@rooms/core/db";
import { isLoopbackHost } from "@rooms/core/net";
import { Resource } from "sst";

/**
 * The table, for every route that reads or writes it. On AWS: SST links `Table` (SST_RESOURCE_Table, read by
 * `Resource` on first access). The local stack sets the same variable, plus DYNAMODB_ENDPOINT to reach DynamoDB
 * Local. ElectroDB and the DynamoDB client are imported here and only here, on the first call (not when the
 * handler module loads), then kept for the life of the container, so a warm invocation pays for none of it.
 */

let db: Promise<Db> | undefined;

/** The single table's ElectroDB service. */
export function getDb(): Promise<Db> {
  // A failure (say the table is not linked) is not kept: the next call tries again, as each call did before.
  db ??= openDb().catch((error: unknown) => {
    db = undefined;
    throw error;
  });
  return db;
}

async function openDb(): Promise<Db> {
  const [{ createDb }, { DynamoDBClient }] = await Promise.all([
    import("@rooms/core/db"),
    import("@rooms/core/dynamodb-client"),
  ]);
  return createDb({ client: createDynamoClient(DynamoDBClient), table: Resource.Table.name });
}

/**
 * Sockets of the client when it talks to a given endpoint (the local stack). There one process runs every
 * concurrent "Lambda" with this one client, where on AWS each instance has its own client and serves one
 * request at a time; the SDK's default pool (50 sockets) would queue the local invocations behind each other,
 * a wait no deployed function has (a send's seq race ran on while its transaction waited for a socket).
 */
const LOCAL_MAX_SOCKETS = 500;

function createDynamoClient(Client: typeof DynamoDBClient): DynamoDBClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) return new Client({});
  // DynamoDB Local accepts any credentials; a loopback endpoint must not go looking for real ones.
  const local = isLoopbackHost(new URL(endpoint).hostname);
  return new Client({
    endpoint,
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: LOCAL_MAX_SOCKETS } },
    ...(local && { region: "local", credentials: { accessKeyId: "local", secretAccessKey: "local" } }),
  });
}
