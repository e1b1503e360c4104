import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * Messages sit in their room's partition, sorted by `seq` (zero-padded in the key so string order is number
 * order), so history and catch-up are key-range Queries. `messageId` (a ULID) is the public id.
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
      text: { type: "string", required: true, readOnly: true },
      /** userIds the author mentioned (members of the room when it was sent). */
      mentions: { type: "list", items: { type: "string" }, required: true, default: () => [] },
      sentAt: { type: "string", required: true, readOnly: true },
    },
    indexes: {
      byRoom: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: ["seq"], casing: "none" },
      },
    },
  });

export type MessageItem = EntityItem<ReturnType<typeof createMessageEntity>>;
