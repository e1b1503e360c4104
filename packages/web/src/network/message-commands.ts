import { messageRefusal } from "./pending-messages";
import type { ClientFrame, Message } from "./protocol";
import type { Refusal } from "./send-result";

/**
 * The frames that change a message already stored (v2): edit, delete, react. Each is checked before anything
 * is sent and returns the frame, a refusal, or `null` when there is nothing to send. Who may do what (the
 * author edits; the author or the room's owner deletes) is the server's to decide: a refusal comes back as an
 * error frame.
 */
export type MessageCommand = { frame: ClientFrame } | { refusal: Refusal } | null;

/** Replaces the text of `message`; the same text again sends nothing, and a tombstone cannot be edited. */
export function editMessageCommand(message: Message, text: string): MessageCommand {
  if (message.deletedAt) return null;
  const refusal = messageRefusal(text, []);
  if (refusal) return { refusal };
  if (text === message.text) return null;
  return { frame: { action: "editMessage", messageId: message.messageId, text } };
}

/** Deletes `message` (it stays in history as a tombstone); an already deleted one sends nothing. */
export const deleteMessageCommand = (message: Message): MessageCommand =>
  message.deletedAt ? null : { frame: { action: "deleteMessage", messageId: message.messageId } };

/** Adds (`on`) or takes back the person's `emoji` on `message`; nothing for a tombstone. */
export const reactCommand = (message: Message, emoji: string, on: boolean): MessageCommand =>
  message.deletedAt ? null : { frame: { action: "react", messageId: message.messageId, emoji, on } };
