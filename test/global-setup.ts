import { startDynamoDbLocal } from "@rooms/dynamodb-local";
import type { TestProject } from "vitest/node";

/** One in-memory DynamoDB Local for the whole run; each test file makes its own table in it. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal();
  project.provide("dynamodbEndpoint", dynamo.endpoint);
  return () => dynamo.stop();
}
