import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * Claims a client-chosen id for one user inside a room, written in the same transaction as the thing it
 * creates (a message or a todo). A second write with the same client id fails its condition, and the claim says
 * which item won. The user is part of the key, so one user can never claim, or read back, another's item by
 * guessing its id.
 */
export const createClientIdClaimEntity = () =>
  new Entity({
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
  });

export type ClientIdClaimItem = EntityItem<ReturnType<typeof createClientIdClaimEntity>>;
export type ClaimKey = Pick<ClientIdClaimItem, "roomId" | "scope" | "userId" | "clientId">;
