import { describe, expect, it } from "vitest";
import { createTableInput, tableDefinition } from "../../packages/core/src/table/definition";
import { tableArgs, tableIndexNames } from "../table-args";
import { synthesize } from "./synthesize";

describe("infra's table equals core's tableDefinition", () => {
  const args = tableArgs({ production: false });

  it("has the same primary key, gsi1 and TTL attribute", () => {
    expect(args.primaryIndex).toEqual({
      hashKey: tableDefinition.partitionKey,
      rangeKey: tableDefinition.sortKey,
    });
    expect(args.globalIndexes).toEqual(
      Object.fromEntries(
        Object.entries(tableDefinition.globalIndexes).map(([name, i]) => [
          name,
          { hashKey: i.partitionKey, rangeKey: i.sortKey, projection: "all" },
        ]),
      ),
    );
    expect(args.ttl).toBe(tableDefinition.ttlAttribute);
    // The index names IAM statements are scoped to (infra/permissions.ts) are the indexes the table has.
    expect(tableIndexNames()).toEqual(Object.keys(args.globalIndexes));
  });

  it("matches the CreateTable input the local stack and tests use, attribute for attribute", () => {
    const local = createTableInput("t");
    // AttributeDefinitions <-> fields
    expect(
      Object.entries(args.fields)
        .map(([AttributeName, type]) => ({ AttributeName, AttributeType: type === "string" ? "S" : "?" }))
        .sort(byName),
    ).toEqual([...local.AttributeDefinitions].sort(byName));
    // KeySchema <-> primaryIndex
    expect(local.KeySchema).toEqual([
      { AttributeName: args.primaryIndex.hashKey, KeyType: "HASH" },
      { AttributeName: args.primaryIndex.rangeKey, KeyType: "RANGE" },
    ]);
    // GlobalSecondaryIndexes <-> globalIndexes (SST's "all" is ProjectionType ALL)
    expect(local.GlobalSecondaryIndexes).toEqual(
      Object.entries(args.globalIndexes).map(([IndexName, i]) => ({
        IndexName,
        KeySchema: [
          { AttributeName: i.hashKey, KeyType: "HASH" },
          { AttributeName: i.rangeKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: i.projection.toUpperCase() },
      })),
    );
    expect(local.BillingMode).toBe("PAY_PER_REQUEST"); // sst.aws.Dynamo is always on-demand
  });

  it("is deletion-protected on production only", () => {
    expect(tableArgs({ production: true }).deletionProtection).toBe(true);
    expect(args.deletionProtection).toBe(false);
  });

  it("is the one table the stack deploys, with these arguments for its stage", async () => {
    for (const [stage, production] of [
      ["ci", false],
      ["production", true],
    ] as const) {
      const tables = (await synthesize(stage)).resources.filter((r) => r.component === "sst.aws.Dynamo");
      expect(tables.map((t) => t.name)).toEqual(["Table"]);
      expect(tables[0]!.args, stage).toEqual(tableArgs({ production }));
    }
  });
});

const byName = (a: { AttributeName: string }, b: { AttributeName: string }) =>
  a.AttributeName.localeCompare(b.AttributeName);
