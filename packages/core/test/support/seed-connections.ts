import type { ConnectionItem } from "../../src/connection";
import type { Db } from "../../src/db";
import { newId } from "../../src/ids";

/**
 * Writes connection records straight to the table (25 per batch), as $connect would have, for rooms too
 * big to join one by one. Ids end in "=" like API Gateway's, which the SDK must escape in the URL. Each
 * connection is its own user (`user-<prefix><n>`), as tickets would have said.
 */
export async function seedConnections(
  db: Db,
  { roomId, count, prefix = "c" }: { roomId: string; count: number; prefix?: string },
) {
  const now = new Date();
  const expiresAt = Math.floor(now.getTime() / 1000) + 15 * 60;
  const items: ConnectionItem[] = Array.from({ length: count }, (_, i) => ({
    connectionId: `${prefix}${String(i).padStart(5, "0")}Aw=`,
    roomId,
    userId: `user-${prefix}${String(i).padStart(5, "0")}`,
    memberId: newId(now.getTime()),
    name: `member ${i}`,
    connectedAt: now.toISOString(),
    expiresAt,
  }));
  const batches = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  // A few batches at a time: DynamoDB Local answers faster than one by one, without drowning it.
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(batches.slice(i, i + 8).map((batch) => db.entities.connection.put(batch).go()));
  }
  return items;
}
