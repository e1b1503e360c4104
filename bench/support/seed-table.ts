import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import type { Db } from "@rooms/core/db";
import { newId } from "@rooms/core/ids";
import { mapConcurrently } from "./stats";

const WORDS =
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua".split(
    " ",
  );

/** A chat line of 4 to 30 words, from a seeded sequence so every run writes the same bytes. */
function chatLine(seed: number) {
  let x = seed * 2654435761;
  const next = () => {
    x = (x ^ (x >>> 13)) * 1274126177;
    return x >>> 0;
  };
  const words = 4 + (next() % 27);
  return Array.from({ length: words }, () => WORDS[next() % WORDS.length]).join(" ");
}

/** ElectroDB's own item (keys and entity markers included), as a low-level attribute map: strings, numbers, lists. */
function marshal(value: unknown, name = "item"): AttributeValue {
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (Array.isArray(value)) return { L: value.map((element) => marshal(element, name)) };
  throw new Error(`seed items hold strings, numbers and lists only; ${name} is ${typeof value}`);
}
const marshalItem = (item: Record<string, unknown>): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, marshal(value, name)]));

/**
 * Writes `rooms x perRoom` message items exactly as the app stores them (built by the Message entity's own
 * params): seq 1..perRoom in each room, one second apart. BatchWriteItem, 25 items a call, `concurrency` calls
 * in flight, retrying unprocessed items. Returns how many were written. Straight to DynamoDB Local: nothing of
 * it is measured. The rooms' own counters are not touched: `setRoomCounter` does that for rooms that exist.
 */
export async function seedMessages({
  client,
  db,
  table,
  roomIds,
  perRoom,
  concurrency = 8,
  startMs = Date.UTC(2026, 0, 1),
}: {
  client: DynamoDBClient;
  db: Db;
  table: string;
  roomIds: string[];
  perRoom: number;
  concurrency?: number;
  startMs?: number;
}): Promise<number> {
  const requests: WriteRequest[] = [];
  let n = 0;
  for (const roomId of roomIds) {
    for (let i = 0; i < perRoom; i++) {
      const at = startMs + n * 1000;
      const message = {
        roomId,
        seq: i + 1,
        messageId: newId(at),
        clientMessageId: `seed-${n}`,
        authorId: `seed-user-${n % 37}`,
        author: `member ${n % 37}`,
        text: chatLine(n),
        mentions: [],
        sentAt: new Date(at).toISOString(),
      };
      const { Item } = db.entities.message.put(message).params() as { Item: Record<string, unknown> };
      requests.push({ PutRequest: { Item: marshalItem(Item) } });
      n++;
    }
  }
  const batches = Array.from({ length: Math.ceil(requests.length / 25) }, (_, i) =>
    requests.slice(i * 25, i * 25 + 25),
  );
  await mapConcurrently(batches, concurrency, async (batch) => {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10)
        throw new Error(`BatchWriteItem left ${pending.length} items unprocessed after 10 retries`);
      const { UnprocessedItems } = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
      );
      pending = UnprocessedItems?.[table] ?? [];
    }
  });
  return requests.length;
}

/** Sets a room's message counter (and last activity) to match `seedMessages`' history of `lastSeq` messages. */
export async function setRoomCounter(
  db: Db,
  { roomId, lastSeq, lastMessageAt }: { roomId: string; lastSeq: number; lastMessageAt: string },
) {
  await db.entities.room.patch({ roomId }).set({ lastSeq, lastMessageAt }).go();
}
