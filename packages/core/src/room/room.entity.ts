import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * A room lives in its own partition with its todos (collection `roomView`), and on gsi1 for the room list.
 * The list's partition key carries the visibility, so `GET /rooms` reads `$rooms#visibility_public` only:
 * private rooms are never in the page a Query returns (no filter that could leak them or thin the page).
 */
export const createRoomEntity = () =>
  new Entity({
    model: { entity: "room", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      name: { type: "string", required: true },
      createdAt: { type: "string", required: true, readOnly: true },
      visibility: { type: ["public", "private"] as const, required: true, readOnly: true },
      /** Invites created at or before this instant no longer work (`DELETE /rooms/{id}/invites`). */
      invitesRevokedAt: { type: "string" },
      /** The room's message counter: the newest message has this `seq` (0: none yet). Moves only with a new message. */
      lastSeq: { type: "number", required: true, default: 0 },
      lastMessageAt: { type: "string" },
      /**
       * Memberships of the room (the owner's included), moved in the same transaction that creates or deletes one;
       * a new membership's transaction requires it below the stage's `membersPerRoom`.
       */
      memberCount: { type: "number" },
    },
    indexes: {
      byRoom: {
        collection: "roomView",
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: [], casing: "none" },
      },
      newestFirst: {
        index: "gsi1",
        pk: { field: t.globalIndexes.gsi1.partitionKey, composite: ["visibility"], casing: "none" },
        sk: { field: t.globalIndexes.gsi1.sortKey, composite: ["roomId"], casing: "none" },
      },
    },
  });

export type RoomItem = EntityItem<ReturnType<typeof createRoomEntity>>;
