export * from "./frames";
export * from "./shapes";
