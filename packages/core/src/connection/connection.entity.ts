import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * Keyed by connection id so every frame finds its sender with a strongly consistent Get; gsi1 lists a
 * room's connections for broadcast, sorted by user so one user's sockets in a room are one key range
 * (closing them when the user is removed). `expiresAt` is the table's TTL attribute.
 */
export const createConnectionEntity = () =>
  new Entity({
    model: { entity: "connection", version: "1", service: "rooms" },
    attributes: {
      connectionId: { type: "string", required: true, readOnly: true },
      roomId: { type: "string", required: true, readOnly: true },
      userId: { type: "string", required: true, readOnly: true },
      memberId: { type: "string", required: true, readOnly: true },
      name: { type: "string", required: true, readOnly: true },
      connectedAt: { type: "string", required: true, readOnly: true },
      expiresAt: { type: "number", required: true },
      /** When this connection's last `typing` was forwarded (epoch ms): at most one per 3 s goes out. */
      typingAt: { type: "number" },
    },
    indexes: {
      byConnectionId: {
        pk: { field: t.partitionKey, composite: ["connectionId"], casing: "none" },
        sk: { field: t.sortKey, composite: [], casing: "none" },
      },
      byRoom: {
        index: "gsi1",
        pk: { field: t.globalIndexes.gsi1.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.globalIndexes.gsi1.sortKey, composite: ["userId", "connectionId"], casing: "none" },
      },
    },
  });

export type ConnectionItem = EntityItem<ReturnType<typeof createConnectionEntity>>;
