export * as Snapshot from "./snapshot";
