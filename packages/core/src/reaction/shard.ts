/**
 * How many count items a message's count for one emoji is spread over (reaction.entity.ts). Reads sum every
 * shard they find, whatever this number was when they were written, so it can change without a migration.
 * Why shard: on DynamoDB one item takes about 1,000 write units a second, and a transaction on an item that
 * another transaction holds is cancelled (TransactionConflict), so one count item would serialise every reactor
 * of a hot message; 8 items take 8 times that, while a message's counts stay one Query of at most 8 items per
 * emoji. bench/suites/cost.ts ("react on a hot message") measures 1 and 8 shards; DynamoDB Local serialises
 * writes and reports no conflicts for either, so there it shows the cost side (capacity per reaction) only.
 */
export const REACTION_COUNT_SHARDS = 8;

/**
 * A user's shard: always the same one for the same user, so their on and off land on the same item and each
 * shard's count is the number of that shard's users reacting (never below 0). FNV-1a over the userId.
 */
export function shardOf(userId: string, shards = REACTION_COUNT_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
