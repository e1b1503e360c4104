export * as Table from "./definition";
export { tableDefinition, createTableInput } from "./definition";
export { ensureTable } from "./ensure-table";
