import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";

/** A DynamoDB attribute value as the stream (and Lambda's event) carries it. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] };

/** The part of a DynamoDB Streams record (Lambda's `DynamoDBRecord`) presence reads. */
export interface StreamRecord {
  eventName?: "INSERT" | "MODIFY" | "REMOVE" | string;
  dynamodb?: {
    NewImage?: Record<string, AttributeValue>;
    OldImage?: Record<string, AttributeValue>;
  };
}

/** A connection that appeared (INSERT) or went away (REMOVE: $disconnect, a prune, a removal, TTL). */
export interface ConnectionChange {
  kind: "joined" | "left";
  connection: ConnectionItem;
}

/**
 * The connection changes among stream records, in stream order. Other entities' records (the event source's filter
 * already drops most) and MODIFYs (expiry refresh, typing) are not presence and are skipped.
 */
export function connectionChanges(db: Db, records: readonly StreamRecord[]): ConnectionChange[] {
  const changes: ConnectionChange[] = [];
  for (const { eventName, dynamodb } of records) {
    const kind = eventName === "INSERT" ? "joined" : eventName === "REMOVE" ? "left" : undefined;
    const image = kind === "joined" ? dynamodb?.NewImage : dynamodb?.OldImage;
    if (!kind || !image) continue;
    const item = fromAttributeValues(image);
    // ElectroDB marks each item with its entity's name.
    if (item.__edb_e__ !== "connection") continue;
    const { data } = db.entities.connection.parse({ Item: item });
    if (data) changes.push({ kind, connection: data as ConnectionItem });
  }
  return changes;
}

/** DynamoDB JSON to plain values (the stream's images are not unmarshalled for us). */
export function fromAttributeValues(image: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(image).map(([key, value]) => [key, fromAttributeValue(value)]));
}

function fromAttributeValue(value: AttributeValue): unknown {
  if ("S" in value) return value.S;
  if ("N" in value) return Number(value.N);
  if ("BOOL" in value) return value.BOOL;
  if ("NULL" in value) return null;
  if ("M" in value) return fromAttributeValues(value.M);
  if ("L" in value) return value.L.map(fromAttributeValue);
  if ("SS" in value) return new Set(value.SS);
  return new Set(value.NS.map(Number));
}
