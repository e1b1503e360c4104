import { randomUUID } from "node:crypto";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { inject } from "vitest";
import { createDb } from "../../src/db";
import { ensureTable } from "../../src/table";

/** A fresh table in the run's DynamoDB Local (never anything else), for one test file. */
export async function createTestDb() {
  const client = localDynamoClient(inject("dynamodbEndpoint"));
  const table = `test-${randomUUID()}`;
  await ensureTable(client, table);
  return { db: createDb({ client, table }), client, table };
}
