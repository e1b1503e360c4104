export type { Dismissal, RoomAccess } from "./membership";
export * as Membership from "./membership";
export type { MembershipItem, RemovalItem } from "./membership.entity";
