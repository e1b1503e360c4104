export * as Ticket from "./ticket";
export type { TicketClaims } from "./ticket";
