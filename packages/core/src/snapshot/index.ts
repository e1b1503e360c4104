export * as Snapshot from "./snapshot";
export { fitSnapshot } from "./fit-snapshot";
