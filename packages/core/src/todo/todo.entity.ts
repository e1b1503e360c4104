import { Entity, type EntityConfiguration, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/** Todos share their room's partition and the `roomView` collection, so room + todos is one Query. */
export const createTodoEntity = (config?: EntityConfiguration) =>
  new Entity(
    {
      model: { entity: "todo", version: "1", service: "rooms" },
      attributes: {
        roomId: { type: "string", required: true, readOnly: true },
        todoId: { type: "string", required: true, readOnly: true },
        title: { type: "string", required: true },
        done: { type: "boolean", required: true },
        version: { type: "number", required: true },
        createdAt: { type: "string", required: true, readOnly: true },
        updatedAt: { type: "string", required: true },
      },
      indexes: {
        byRoom: {
          collection: "roomView",
          pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
          sk: { field: t.sortKey, composite: ["todoId"], casing: "none" },
        },
      },
    },
    config,
  );

export type TodoItem = EntityItem<ReturnType<typeof createTodoEntity>>;
