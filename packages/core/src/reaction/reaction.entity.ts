import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * One item per (user, message, emoji) reaction, in the room's partition: created on condition that it does not
 * exist (on) and deleted on condition that it does (off), in the same transaction as the count it moves, so a
 * repeated toggle changes nothing. Keyed by user first: the reactions of one reader over a range of messages
 * (`mine` for a page of history) are one key-range Query. On gsi1 under (message, the user's count shard): a
 * deleted message's reactions are found and removed by key (`byMessage`), one Query per shard, and a hot
 * message's reactors spread over as many index partitions as its counts do over items.
 */
export const createReactionEntity = () =>
  new Entity({
    model: { entity: "reaction", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      userId: { type: "string", required: true, readOnly: true },
      seq: { type: "number", required: true, readOnly: true, padding: { length: 12, char: "0" } },
      emoji: { type: "string", required: true, readOnly: true },
      messageId: { type: "string", required: true, readOnly: true },
      reactedAt: { type: "string", required: true, readOnly: true },
      /** The user's count shard (shard.ts `shardOf`), the one this reaction moved. */
      shard: { type: "number", required: true, readOnly: true },
    },
    indexes: {
      byUser: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: ["userId", "seq", "emoji"], casing: "none" },
      },
      byMessage: {
        index: "gsi1",
        pk: {
          field: t.globalIndexes.gsi1.partitionKey,
          composite: ["roomId", "seq", "shard"],
          casing: "none",
        },
        sk: { field: t.globalIndexes.gsi1.sortKey, composite: ["userId", "emoji"], casing: "none" },
      },
    },
  });

/**
 * One shard of a message's count for one emoji: the number of reactions with that emoji by the users hashed to
 * `shard`. A message's count is the sum over its shards. Sharding spreads the writes of a hot message (many
 * reactors at once) over several items, so concurrent toggles rarely meet on one item (a transaction conflict)
 * and no single item takes every write; the message item itself is never written by a toggle. `changedAt` is
 * what `sync` compares to find reactions that changed since a client last synced.
 */
export const createReactionCountEntity = () =>
  new Entity({
    model: { entity: "reactionCount", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      seq: { type: "number", required: true, readOnly: true, padding: { length: 12, char: "0" } },
      emoji: { type: "string", required: true, readOnly: true },
      shard: { type: "number", required: true, readOnly: true },
      count: { type: "number", required: true },
      changedAt: { type: "string", required: true },
    },
    indexes: {
      byMessage: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: ["seq", "emoji", "shard"], casing: "none" },
      },
    },
  });

export type ReactionItem = EntityItem<ReturnType<typeof createReactionEntity>>;
export type ReactionCountItem = EntityItem<ReturnType<typeof createReactionCountEntity>>;
