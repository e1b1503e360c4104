/**
 * Every item of a test's own table, canonical and sorted, so two snapshots compare with `toEqual` and a
 * difference names the item. For "nothing was written" checks around a refused request or frame. A Scan is fine
 * here: tests may scan, the app never does.
 *
 * The rate limiter's state is always left out: every call and frame counts toward its limit, refused ones
 * included, so the bucket items move by design; nothing else may.
 */
import { type AttributeValue, type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";

export interface TableSnapshotOptions {
  /**
   * Attributes left out of every item, e.g. `typingAt` (a connection's typing throttle, which the contract does not
   * count as stored content).
   */
  omit?: string[];
}

export async function tableSnapshot(
  dynamo: DynamoDBClient,
  tableName: string,
  { omit = [] }: TableSnapshotOptions = {},
): Promise<string[]> {
  const items: string[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      if (item.__edb_e__?.S === "rateBucket") continue;
      const kept = Object.entries(item).filter(([name]) => !omit.includes(name));
      items.push(JSON.stringify(canonical(Object.fromEntries(kept))));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort();
}

/** Objects with their keys sorted, at every depth (a map attribute's key order is not stable). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
