export * from "./shapes";
export * from "./frames";
