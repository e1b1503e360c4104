export { changedInWindow } from "./changed-messages";
export * as Message from "./message";
export type { MessageItem } from "./message.entity";
/** Edits and deletions of stored messages (editMessage, deleteMessage) and what `sync` reports of them. */
export * as MessageEdits from "./message-edits";
