import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mapConcurrently } from "./stats";

/** What a naive operation consumed: every call it made, measured by DynamoDB Local (ReturnConsumedCapacity TOTAL). */
export interface NaiveCost {
  rcu: number;
  wcu: number;
  calls: string[];
}

/**
 * The design tutorials show (e.g. "scan the connections table for roomId = X, post to each"), run on the very
 * same table and data as ours, directly from the benchmark. The Scan lives here only: the app never scans.
 * Writes go to keys under `naive#` (no index attributes, no idempotency claim, no transaction) and are deleted
 * afterwards, uncounted.
 */
export function naiveDesign({ client, table }: { client: DynamoDBClient; table: string }) {
  const written: Record<string, AttributeValue>[] = [];
  const key = (pk: string): Record<string, AttributeValue> => ({
    pk: { S: `naive#${pk}` },
    sk: { S: "naive" },
  });

  return {
    /** GetItem on one of our own keys (tutorials key connections by connection id too). */
    async get(keyOfItem: Record<string, AttributeValue>, { consistent = false } = {}): Promise<NaiveCost> {
      const { ConsumedCapacity, Item } = await client.send(
        new GetItemCommand({
          TableName: table,
          Key: keyOfItem,
          ConsistentRead: consistent,
          ReturnConsumedCapacity: "TOTAL",
        }),
      );
      if (!Item) throw new Error(`naive GetItem found nothing at ${JSON.stringify(keyOfItem)}`);
      return { rcu: ConsumedCapacity?.CapacityUnits ?? 0, wcu: 0, calls: ["GetItem"] };
    },

    /** PutItem of `attributes` as the naive design stores it, under its own key. */
    async put(id: string, attributes: Record<string, string | number | boolean>): Promise<NaiveCost> {
      const Item: Record<string, AttributeValue> = { ...key(id) };
      for (const [name, value] of Object.entries(attributes)) {
        Item[name] =
          typeof value === "string"
            ? { S: value }
            : typeof value === "number"
              ? { N: String(value) }
              : { BOOL: value };
      }
      const { ConsumedCapacity } = await client.send(
        new PutItemCommand({ TableName: table, Item, ReturnConsumedCapacity: "TOTAL" }),
      );
      written.push(key(id));
      return { rcu: 0, wcu: ConsumedCapacity?.CapacityUnits ?? 0, calls: ["PutItem"] };
    },

    /** UpdateItem `SET name = value` on a naive item. */
    async update(id: string, name: string, value: boolean): Promise<NaiveCost> {
      const { ConsumedCapacity } = await client.send(
        new UpdateItemCommand({
          TableName: table,
          Key: key(id),
          UpdateExpression: "SET #n = :v",
          ExpressionAttributeNames: { "#n": name },
          ExpressionAttributeValues: { ":v": { BOOL: value } },
          ReturnConsumedCapacity: "TOTAL",
        }),
      );
      return { rcu: 0, wcu: ConsumedCapacity?.CapacityUnits ?? 0, calls: ["UpdateItem"] };
    },

    async remove(id: string): Promise<NaiveCost> {
      const { ConsumedCapacity } = await client.send(
        new DeleteItemCommand({ TableName: table, Key: key(id), ReturnConsumedCapacity: "TOTAL" }),
      );
      return { rcu: 0, wcu: ConsumedCapacity?.CapacityUnits ?? 0, calls: ["DeleteItem"] };
    },

    /**
     * Scans the whole table with a filter, every page, as a tutorial's `scan({FilterExpression})` loop does.
     * Two segments in parallel only to halve the wall time here: capacity is the same (it is charged on the
     * items read, before the filter).
     */
    async scan({
      filter,
      values,
      names,
    }: {
      filter: string;
      values: Record<string, AttributeValue>;
      names?: Record<string, string>;
    }) {
      const segments = 2;
      const perSegment = await mapConcurrently([0, 1], segments, async (segment) => {
        let rcu = 0;
        let pages = 0;
        let matched = 0;
        let scanned = 0;
        let startKey: Record<string, AttributeValue> | undefined;
        do {
          const page = await client.send(
            new ScanCommand({
              TableName: table,
              Segment: segment,
              TotalSegments: segments,
              FilterExpression: filter,
              ExpressionAttributeValues: values,
              ...(names && { ExpressionAttributeNames: names }),
              ExclusiveStartKey: startKey,
              ReturnConsumedCapacity: "TOTAL",
            }),
          );
          rcu += page.ConsumedCapacity?.CapacityUnits ?? 0;
          pages++;
          matched += page.Count ?? 0;
          scanned += page.ScannedCount ?? 0;
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        return { rcu, pages, matched, scanned };
      });
      return perSegment.reduce((a, b) => ({
        rcu: a.rcu + b.rcu,
        pages: a.pages + b.pages,
        matched: a.matched + b.matched,
        scanned: a.scanned + b.scanned,
      }));
    },

    /** Deletes every naive item written (not measured). */
    async cleanUp() {
      await mapConcurrently(written.splice(0), 8, (Key) =>
        client.send(new DeleteItemCommand({ TableName: table, Key })),
      );
    },
  };
}

export const addCosts = (...costs: NaiveCost[]): NaiveCost => ({
  rcu: costs.reduce((s, c) => s + c.rcu, 0),
  wcu: costs.reduce((s, c) => s + c.wcu, 0),
  calls: costs.flatMap((c) => c.calls),
});
