import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/** Messages sit in their room's partition, sorted by messageId (a ULID), so history is a key-range Query. */
export const createMessageEntity = (config?: EntityConfiguration) =>
  new Entity(
    {
      model: { entity: "message", version: "1", service: "rooms" },
      attributes: {
        roomId: { type: "string", required: true, readOnly: true },
        messageId: { type: "string", required: true, readOnly: true },
        clientMessageId: { type: "string", required: true, readOnly: true },
        authorId: { type: "string", required: true, readOnly: true },
        author: { type: "string", required: true, readOnly: true },
        text: { type: "string", required: true, readOnly: true },
        sentAt: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        byRoom: {
          pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
          sk: { field: t.sortKey, composite: ["messageId"], casing: "none" },
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
