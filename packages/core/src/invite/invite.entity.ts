import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * An invite code, in a partition of its own so accepting one is a single Get by code. Revoking does not
 * touch invites: the room's `invitesRevokedAt` outdates every invite created at or before it at once.
 * `expiresAt` (epoch seconds) is the table's TTL attribute, so expired codes go away on their own.
 */
export const createInviteEntity = () =>
  new Entity({
    model: { entity: "invite", version: "1", service: "rooms" },
    attributes: {
      code: { type: "string", required: true, readOnly: true },
      roomId: { type: "string", required: true, readOnly: true },
      createdBy: { type: "string", required: true, readOnly: true },
      createdAt: { type: "string", required: true, readOnly: true },
      expiresAt: { type: "number", required: true, readOnly: true },
    },
    indexes: {
      byCode: {
        pk: { field: t.partitionKey, composite: ["code"], casing: "none" },
        sk: { field: t.sortKey, composite: [], casing: "none" },
      },
    },
  });

export type InviteItem = EntityItem<ReturnType<typeof createInviteEntity>>;
