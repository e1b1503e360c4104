export * as Room from "./room";
export type { RoomItem } from "./room.entity";
