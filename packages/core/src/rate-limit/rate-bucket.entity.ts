import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * One rate-limit bucket (frames of one connection, `POST /rooms` of one user, `POST /sessions` of one source IP) in a partition of its
 * own, so a busy bucket never heats a room's partition. `tat` is the GCRA state (see gcra.ts); `expiresAt` (TTL)
 * is a minute after the bucket is full again, when the item no longer says anything.
 */
export const createRateBucketEntity = () =>
  new Entity({
    model: { entity: "rateBucket", version: "1", service: "rooms" },
    attributes: {
      scope: { type: "string", required: true, readOnly: true },
      key: { type: "string", required: true, readOnly: true },
      tat: { type: "number", required: true },
      expiresAt: { type: "number", required: true },
    },
    indexes: {
      byKey: {
        pk: { field: t.partitionKey, composite: ["scope", "key"], casing: "none" },
        sk: { field: t.sortKey, composite: [], casing: "none" },
      },
    },
  });

export type RateBucketItem = EntityItem<ReturnType<typeof createRateBucketEntity>>;
