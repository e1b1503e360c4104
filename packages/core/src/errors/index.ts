export * from "./domain-errors";
export { parseInput } from "./parse-input";
