import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

const member = {
  type: "map",
  properties: {
    memberId: { type: "string", required: true },
    userId: { type: "string", required: true },
    name: { type: "string", required: true },
    connectedAt: { type: "string", required: true },
  },
} as const;

/**
 * A room's presence marker, in the room's partition: when its last `presence` digest went out (`digestAt`,
 * epoch ms) and to how many (`digestCount`), who joined and left since (names: the newest 20 per list per stream
 * batch; `joinedSince` / `leftSince`: how many), waiting for the next one, and when the one delayed digest job
 * scheduled for the room is due (`trailingDue`, epoch ms; absent when none is pending). Only rooms past the
 * presence-detail limit get one. The conditional write on `digestAt` is what keeps digests to one per interval,
 * however many stream batches (and Lambdas) carry the room's joins at once; the one on `trailingDue` is what keeps
 * the delayed jobs to one at a time.
 */
export const createPresenceEntity = () =>
  new Entity({
    model: { entity: "presence", version: "1", service: "rooms" },
    attributes: {
      roomId: { type: "string", required: true, readOnly: true },
      digestAt: { type: "number" },
      digestCount: { type: "number" },
      joinedSince: { type: "number" },
      leftSince: { type: "number" },
      trailingDue: { type: "number" },
      joined: { type: "list", items: member },
      left: { type: "list", items: member },
    },
    indexes: {
      byRoom: {
        pk: { field: t.partitionKey, composite: ["roomId"], casing: "none" },
        sk: { field: t.sortKey, composite: [], casing: "none" },
      },
    },
  });

export type PresenceItem = EntityItem<ReturnType<typeof createPresenceEntity>>;
