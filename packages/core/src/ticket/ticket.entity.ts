import { Entity, type EntityItem } from "electrodb";
import { tableDefinition as t } from "../table/definition";

/**
 * A single-use connect ticket: who may open a socket to which room, for 60 seconds. Consumed by one
 * DeleteItem returning the old item, so of two handshakes with the same ticket exactly one gets it.
 * `expiresAt` (epoch seconds) is the TTL attribute; reads check it too (TTL deletion lags).
 */
export const createTicketEntity = () =>
  new Entity({
    model: { entity: "ticket", version: "1", service: "rooms" },
    attributes: {
      ticket: { type: "string", required: true, readOnly: true },
      roomId: { type: "string", required: true, readOnly: true },
      userId: { type: "string", required: true, readOnly: true },
      name: { type: "string", required: true, readOnly: true },
      expiresAt: { type: "number", required: true, readOnly: true },
      /** Whether the user was a member under this name when the ticket was issued (`$connect`'s hint). */
      standing: { type: ["member", "newcomer"] as const, readOnly: true },
    },
    indexes: {
      byTicket: {
        pk: { field: t.partitionKey, composite: ["ticket"], casing: "none" },
        sk: { field: t.sortKey, composite: [], casing: "none" },
      },
    },
  });

export type TicketItem = EntityItem<ReturnType<typeof createTicketEntity>>;
