import { Connection } from "@rooms/core/connection";
import { createDb } from "@rooms/core/db";
import { localDynamoClient } from "@rooms/dynamodb-local";

/**
 * Ends every connection a member has in a room the way API Gateway's DeleteConnection does: through the
 * local gateway's @connections API, found via the room's connection records.
 */
export async function disconnectMember({
  dynamodbEndpoint,
  tableName,
  connectionsUrl,
  roomId,
  name,
}: {
  dynamodbEndpoint: string;
  tableName: string;
  connectionsUrl: string;
  roomId: string;
  name: string;
}): Promise<number> {
  const client = localDynamoClient(dynamodbEndpoint);
  try {
    const db = createDb({ client, table: tableName });
    const connections = (await Connection.listByRoom(db, { roomId })).filter((c) => c.name === name);
    for (const { connectionId } of connections) {
      const response = await fetch(`${connectionsUrl}/@connections/${encodeURIComponent(connectionId)}`, {
        method: "DELETE",
        // The local gateway, like AWS, wants a SigV4 request; any credentials do.
        headers: {
          authorization: "AWS4-HMAC-SHA256 Credential=local/20250101/local/execute-api/aws4_request",
        },
      });
      if (response.status !== 204 && response.status !== 410)
        throw new Error(`DeleteConnection answered ${response.status}`);
    }
    return connections.length;
  } finally {
    client.destroy();
  }
}
