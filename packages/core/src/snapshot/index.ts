export * as Snapshot from "./snapshot";
export { snapshotParts } from "./snapshot-parts";
