export type { TicketClaims } from "./ticket";
export * as Ticket from "./ticket";
