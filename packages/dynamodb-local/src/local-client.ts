import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { assertLocalEndpoint } from "./assert-local-endpoint";

/** An SDK client bound to a loopback DynamoDB Local; any other endpoint is refused. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: assertLocalEndpoint(endpoint),
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 3,
  });
}
