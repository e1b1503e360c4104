import { describe, expect, it } from "vitest";
import { createTableInput, tableDefinition } from "../../src/table";

describe("createTableInput", () => {
  it("declares every key attribute of the table and its index exactly once, as strings", () => {
    const input = createTableInput("t");
    expect(input.AttributeDefinitions.map((a) => a.AttributeName).sort()).toEqual([
      "gsi1pk",
      "gsi1sk",
      "pk",
      "sk",
    ]);
    expect(input.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey, KeyType: "HASH" },
      { AttributeName: tableDefinition.sortKey, KeyType: "RANGE" },
    ]);
    expect(input.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: "gsi1",
        KeySchema: [
          { AttributeName: "gsi1pk", KeyType: "HASH" },
          { AttributeName: "gsi1sk", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ]);
    expect(input.BillingMode).toBe("PAY_PER_REQUEST");
  });
});
