import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * Who belongs to a room (not who is connected: that is Connection). In the room's partition, so the member
 * list is one Query; on gsi1 under the user, so "My rooms" is one Query. `readSeq` and `mentionSeqs` give
 * the member's unread counts against the room's `lastSeq`.
 */
export const createMembershipEntity = () =>
  new Entity({
    model: { entity: "membership", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      userId: { type: "string", required: true, readOnly: true },
      name: { type: "string", required: true },
      role: { type: ["owner", "member"] as const, required: true, readOnly: true },
      joinedAt: { type: "string", required: true, readOnly: true },
      /** The member's read position: messages with a higher `seq` are unread. Only moves forward. */
      readSeq: { type: "number", required: true, default: 0 },
      /** Seqs of messages mentioning this member; those above `readSeq` are unread mentions (trimmed on markRead). */
      mentionSeqs: { type: "list", items: { type: "number" }, required: true, default: () => [] },
    },
    indexes: {
      byRoom: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: ["userId"], casing: "none" },
      },
      byUser: {
        index: "gsi1",
        pk: { field: t.globalIndexes.gsi1.partitionKey, composite: ["userId"], casing: "none" },
        sk: { field: t.globalIndexes.gsi1.sortKey, composite: ["roomId"], casing: "none" },
      },
    },
  });

export type MembershipItem = EntityItem<ReturnType<typeof createMembershipEntity>>;

/** In a module of its own, free of ElectroDB, so domain code can build items without loading it. */
export { newMembership } from "./new-membership";

/**
 * A user the owner removed from a room. Their tickets are refused (403) and invites created before
 * `removedAt` do not readmit them; accepting a newer invite deletes the removal.
 */
export const createRemovalEntity = () =>
  new Entity({
    model: { entity: "removal", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      userId: { type: "string", required: true, readOnly: true },
      removedAt: { type: "string", required: true },
    },
    indexes: {
      byRoom: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: ["userId"], casing: "none" },
      },
    },
  });

export type RemovalItem = EntityItem<ReturnType<typeof createRemovalEntity>>;
