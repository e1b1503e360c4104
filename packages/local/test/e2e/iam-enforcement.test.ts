import { GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBClient } from "@rooms/core/dynamodb-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { AccessDeniedException, accessDenials, runAs } from "../../src/iam-enforcement";
import type { LocalStack } from "../../src/local-stack";
import { signIn, startE2eStack } from "../support/e2e-stack";

// POST /rooms is started without PutItem: everything else keeps the policy infra/permissions.ts computes.
let stack: LocalStack;
let client: DynamoDBClient;
beforeAll(async () => {
  stack = await startE2eStack({ revokeGrants: { "POST /rooms": ["dynamodb:PutItem"] } });
  client = new DynamoDBClient({
    endpoint: stack.dynamodbEndpoint,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
});
afterAll(async () => {
  client?.destroy();
  await stack?.stop();
});

const tableArn = () => `arn:aws:dynamodb:local:000000000000:table/${stack.tableName}`;
const item = { pk: { S: "iam-test" }, sk: { S: "iam-test" } };
const denied = (action: string, resource: string) =>
  expect.objectContaining({
    name: "AccessDeniedException",
    message: expect.stringContaining(`not authorized to perform: ${action} on resource: ${resource} `),
  });

describe("the local stack enforces each function's computed IAM policy", () => {
  it("refuses a route's call outside its grant (500, nothing written) and records the denial", async () => {
    const owner = await signIn(stack, "Owner");
    const api = httpClient(stack.httpUrl, owner);
    const before = accessDenials.length;
    const reply = await api.post("/rooms", { name: "Denied" });
    expect(reply.status).toBe(500);
    expect(accessDenials.slice(before)).toEqual([denied("dynamodb:PutItem", tableArn())]);
    // Routes that keep their grants still serve, and see no half-made room.
    const mine = await api.get("/me/rooms");
    expect(mine.status).toBe(200);
    expect(JSON.stringify(mine.json)).not.toContain("Denied");
  });

  it("lets a GET route read but never write, and checks the index a Query names", async () => {
    const route = "GET /rooms/{roomId}/members";
    const put = new PutItemCommand({ TableName: stack.tableName, Item: item });
    await expect(runAs(route, () => client.send(put))).rejects.toBeInstanceOf(AccessDeniedException);
    await expect(runAs(route, () => client.send(put))).rejects.toEqual(
      denied("dynamodb:PutItem", tableArn()),
    );
    // A route that writes may; outside any function's context nothing is checked.
    await runAs("POST /rooms/{roomId}/invites", () => client.send(put));
    await client.send(new GetItemCommand({ TableName: stack.tableName, Key: item }));

    const query = (IndexName: string) =>
      new QueryCommand({
        TableName: stack.tableName,
        IndexName,
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": { S: "none" } },
      });
    const granted = await runAs(route, () => client.send(query("gsi1")));
    expect(granted.Items).toEqual([]);
    await expect(runAs(route, () => client.send(query("other")))).rejects.toEqual(
      denied("dynamodb:Query", `${tableArn()}/index/other`),
    );
  });

  it("gives the $connect authorizer DeleteItem only", async () => {
    const get = new GetItemCommand({ TableName: stack.tableName, Key: item });
    await expect(runAs("TicketAuthorizer", () => client.send(get))).rejects.toEqual(
      denied("dynamodb:GetItem", tableArn()),
    );
  });
});
