/**
 * The one table's physical shape. Tests, the local stack and SST infra all build the table from this,
 * so the key names, the index and the TTL attribute cannot drift apart.
 */
export const tableDefinition = {
  partitionKey: "pk",
  sortKey: "sk",
  globalIndexes: {
    gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk" },
  },
  /** Epoch seconds; DynamoDB deletes expired connection records (lazily, so reads filter on it too). */
  ttlAttribute: "expiresAt",
  /**
   * The table's stream: presence (memberJoined/memberLeft, `presence` digests) is announced from the INSERT and
   * REMOVE records of connections, off every request path (packages/core/src/presence). Both images: a REMOVE
   * carries the member who left in its OldImage.
   */
  streamViewType: "NEW_AND_OLD_IMAGES",
} as const;

export type TableDefinition = typeof tableDefinition;

/** CreateTable input for DynamoDB Local and tests: on-demand billing, every index projecting all attributes. */
export function createTableInput(tableName: string) {
  const { partitionKey, sortKey, globalIndexes } = tableDefinition;
  const keyNames = [
    partitionKey,
    sortKey,
    ...Object.values(globalIndexes).flatMap((i) => [i.partitionKey, i.sortKey]),
  ];
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    StreamSpecification: { StreamEnabled: true, StreamViewType: tableDefinition.streamViewType },
    AttributeDefinitions: keyNames.map((AttributeName) => ({ AttributeName, AttributeType: "S" as const })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: "HASH" as const },
      { AttributeName: sortKey, KeyType: "RANGE" as const },
    ],
    GlobalSecondaryIndexes: Object.entries(globalIndexes).map(([IndexName, index]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" as const },
        { AttributeName: index.sortKey, KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    })),
  };
}
