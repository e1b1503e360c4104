export { idSchema, newId } from "./ids";
