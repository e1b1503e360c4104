import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * Messages sit in their room's partition, sorted by `seq` (zero-padded in the key so string order is number
 * order), so history and catch-up are key-range Queries. `messageId` (a ULID) is the public id: frames that
 * name a message by it (editMessage, deleteMessage, react) find its `seq` on gsi1 (`byId`, one item per key).
 */
export const createMessageEntity = () =>
  new Entity({
    model: { entity: "message", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      seq: { type: "number", required: true, readOnly: true, padding: { length: 12, char: "0" } },
      messageId: { type: "string", required: true, readOnly: true },
      clientMessageId: { type: "string", required: true, readOnly: true },
      authorId: { type: "string", required: true, readOnly: true },
      author: { type: "string", required: true, readOnly: true },
      /** What the author wrote, as last edited; "" once deleted (a tombstone keeps no text). */
      text: { type: "string", required: true },
      /** userIds the author mentioned (members of the room when it was sent). */
      mentions: { type: "list", items: { type: "string" }, required: true, default: () => [] },
      sentAt: { type: "string", required: true, readOnly: true },
      /** When the author last edited the text. */
      editedAt: { type: "string" },
      /** When the author or the room's owner deleted it: text and mentions are cleared, reactions no longer shown. */
      deletedAt: { type: "string" },
      /**
       * The distinct emojis reacted with, in order of first use (at most `reactionsPerMessage`). An emoji keeps its
       * place once used, even when its count falls back to 0, so the list only grows and reactions need not
       * check it in their transaction (reaction/reaction.ts). The counts live in ReactionCount items.
       */
      reactionEmojis: { type: "list", items: { type: "string" } },
    },
    indexes: {
      byRoom: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: ["seq"], casing: "none" },
      },
      byId: {
        index: "gsi1",
        pk: {
          field: t.globalIndexes.gsi1.partitionKey,
          composite: ["roomId", "messageId"],
          casing: "none",
        },
        sk: { field: t.globalIndexes.gsi1.sortKey, composite: [], casing: "none" },
      },
    },
  });

export type MessageItem = EntityItem<ReturnType<typeof createMessageEntity>>;
