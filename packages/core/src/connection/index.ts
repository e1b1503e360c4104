export * as Connection from "./connection";
export type { ConnectionItem } from "./connection.entity";
