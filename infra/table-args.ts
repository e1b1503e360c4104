import { type TableDefinition, tableDefinition } from "../packages/core/src/table/definition";

/**
 * The arguments of `sst.aws.Dynamo("Table", ...)`, derived from core's table definition and nothing else,
 * so the deployed key names, index and TTL attribute are the ones ElectroDB, the local stack and the tests use.
 * Pure (no SST globals) so infra/test can compare it with the definition.
 */
export function tableArgs(
  { production }: { production: boolean },
  definition: TableDefinition = tableDefinition,
) {
  const { partitionKey, sortKey, globalIndexes, ttlAttribute, streamViewType } = definition;
  const keyNames = [
    partitionKey,
    sortKey,
    ...Object.values(globalIndexes).flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    // Only attributes used in a key are declared; every key is a string (ElectroDB composite keys).
    fields: Object.fromEntries(keyNames.map((name) => [name, "string" as const])),
    primaryIndex: { hashKey: partitionKey, rangeKey: sortKey },
    globalIndexes: Object.fromEntries(
      Object.entries(globalIndexes).map(([name, index]) => [
        name,
        // "all": broadcast reads name/memberId/expiresAt of a connection straight from the index.
        { hashKey: index.partitionKey, rangeKey: index.sortKey, projection: "all" as const },
      ]),
    ),
    ttl: ttlAttribute,
    // The presence worker (infra/presence.ts) reads connection INSERTs and REMOVEs from it.
    stream: streamTypeOf(streamViewType),
    // A production table can only be deleted after someone turns this off on purpose.
    deletionProtection: production,
  };
}

/** The index names, for IAM resources (`<table arn>/index/<name>`): listed, never `index/*`. */
export const tableIndexNames = (definition: TableDefinition = tableDefinition) =>
  Object.keys(definition.globalIndexes);

/** Core's StreamViewType (`NEW_AND_OLD_IMAGES`) as SST spells it (`new-and-old-images`). */
export const streamTypeOf = (viewType: TableDefinition["streamViewType"]) =>
  viewType.toLowerCase().replaceAll("_", "-") as "new-and-old-images";
