import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/** A room lives in its own partition with its todos (collection `roomView`), and on gsi1 for the room list. */
export const createRoomEntity = (config?: EntityConfiguration) =>
  new Entity(
    {
      model: { entity: "room", version: "1", service: "rooms" },
      attributes: {
        roomId: { type: "string", required: true, readOnly: true },
        name: { type: "string", required: true },
        createdAt: { type: "string", required: true, readOnly: true },
      },
      indexes: {
        byRoom: {
          collection: "roomView",
          pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
          sk: { field: t.sortKey, composite: [], casing: "none" },
        },
        newestFirst: {
          index: "gsi1",
          pk: { field: t.globalIndexes.gsi1.partitionKey, composite: [], casing: "none" },
          sk: { field: t.globalIndexes.gsi1.sortKey, composite: ["roomId"], casing: "none" },
        },
      },
    },
    config,
  );

export type RoomItem = EntityItem<ReturnType<typeof createRoomEntity>>;
