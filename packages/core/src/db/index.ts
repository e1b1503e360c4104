export { createDb, type Db, type DbOptions } from "./create-db";
