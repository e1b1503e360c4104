import type { Db } from "../db/create-db";
import type { ClaimKey, ClientIdClaimItem } from "./claim.entity";

/**
 * Reads the claim a repeated create lost to, or null. Strongly consistent: the claim was written a moment ago
 * (that is why the repeat's condition failed), and an eventually consistent read could miss it and report the
 * item as deleted.
 */
export async function find(db: Db, key: ClaimKey): Promise<ClientIdClaimItem | null> {
  const { data } = await db.entities.claim.get(key).go({ consistent: true });
  return data;
}
