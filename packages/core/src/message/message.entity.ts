import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * Messages sit in their room's partition, sorted by `seq` (zero-padded in the key so string order is number
 * order), so history and catch-up are key-range Queries. `messageId` (a ULID) is the public id.
 */
export const createMessageEntity = (config?: EntityConfiguration) =>
  new Entity(
    {
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
    },
    config,
  );

export type MessageItem = EntityItem<ReturnType<typeof createMessageEntity>>;

/**
 * Claims a client-chosen id for one user inside a room, written in the same transaction as the thing it
 * creates. A second write with the same client id fails its condition, and the claim says which item won.
 * The user is part of the key, so one user can never claim, or read back, another's item by guessing its id.
 */
export const createClientIdClaimEntity = (config?: EntityConfiguration) =>
  new Entity(
    {
      model: { entity: "clientIdClaim", version: "1", service: "rooms" },
      attributes: {
        roomId: { type: "string", required: true, readOnly: true },
        scope: { type: ["message", "todo"] as const, required: true, readOnly: true },
        userId: { type: "string", required: true, readOnly: true },
        clientId: { type: "string", required: true, readOnly: true },
        targetId: { type: "string", required: true, readOnly: true },
        /** For a message: its `seq`, where it is stored. */
        targetSeq: { type: "number", readOnly: true },
      },
      indexes: {
        byClientId: {
          pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
          sk: { field: t.sortKey, composite: ["scope", "userId", "clientId"], casing: "none" },
        },
      },
    },
    config,
  );
