export * as Message from "./message";
export type { MessageItem } from "./message.entity";
