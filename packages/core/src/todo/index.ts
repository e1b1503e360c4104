export * as Todo from "./todo";
export type { TodoItem } from "./todo.entity";
