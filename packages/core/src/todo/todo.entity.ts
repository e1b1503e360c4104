import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/** Todos share their room's partition and the `roomView` collection, so room + todos is one Query. */
export const createTodoEntity = () =>
  new Entity({
    model: { entity: "todo", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      todoId: { type: "string", required: true, readOnly: true },
      title: { type: "string", required: true },
      done: { type: "boolean", required: true },
      version: { type: "number", required: true },
      /**
       * Fractional index (package fractional-indexing): the list is ordered by it. Absent on todos stored before
       * positions existed, until the room's first todo write gives them one (todo-list.ts).
       */
      position: { type: "string" },
      /** A member of the room the todo is assigned to. */
      assigneeId: { type: "string" },
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
  });

export type TodoItem = EntityItem<ReturnType<typeof createTodoEntity>>;

/**
 * One item per taken position in a room, written in the same transaction as the todo that takes it. Its key is
 * the position, so two todos can never hold the same one (the second create fails its condition), and a Query
 * over these items is the list in order: "the position after X" and "the last position" are one small Query.
 */
export const createTodoPositionEntity = () =>
  new Entity({
    model: { entity: "todoPosition", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      position: { type: "string", required: true, readOnly: true },
      todoId: { type: "string", required: true, readOnly: true },
    },
    indexes: {
      byPosition: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: ["position"], casing: "none" },
      },
    },
  });

/**
 * A room's todo list as a whole: how many todos it holds, moved in the transaction of every add and delete and
 * conditioned on the room's cap, so concurrent adds can never pass it. An item of its own (not an attribute of
 * the room) so todo writes do not contend with the message counter on the room item.
 */
export const createTodoListEntity = () =>
  new Entity({
    model: { entity: "todoList", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      count: { type: "number", required: true },
    },
    indexes: {
      byRoom: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: [], casing: "none" },
      },
    },
  });
