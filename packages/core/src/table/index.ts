export { createTableInput, tableDefinition } from "./definition";
export { ensureTable } from "./ensure-table";
