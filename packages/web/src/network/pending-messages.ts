import { limits } from "./limits";
import type { ClientFrameOf, Message, ServerFrame } from "./protocol";
import type { PendingMessage } from "./room-state";
import type { Refusal } from "./send-result";

/**
 * The queue of messages of ours the server has not confirmed, as pure functions over the list in
 * `RoomState.pending` (message-outbox.ts owns the timers and sends them).
 */

/** Why `text` with `mentions` cannot be sent at all, or null. */
export function messageRefusal(text: string, mentions: readonly string[]): Refusal | null {
  if (text.trim().length === 0) return "empty";
  if (text.length > limits.messageText) return "tooLong";
  if (mentions.length > limits.mentions) return "tooManyMentions";
  return null;
}

/** Moves the entries named by `ids` to `state` (only those now in `onlyFrom`, if given); the same list if none moved. */
export function setPendingState(
  pending: readonly PendingMessage[],
  ids: readonly string[],
  state: PendingMessage["state"],
  onlyFrom?: PendingMessage["state"],
): readonly PendingMessage[] {
  if (ids.length === 0) return pending;
  const wanted = new Set(ids);
  let changed = false;
  const next = pending.map((p) => {
    if (!wanted.has(p.clientMessageId) || p.state === state || (onlyFrom && p.state !== onlyFrom)) return p;
    changed = true;
    return { ...p, state };
  });
  return changed ? next : pending;
}

/** The clientMessageIds on the wire right now. */
export const sendingIds = (pending: readonly PendingMessage[]): string[] =>
  pending.filter((p) => p.state === "sending").map((p) => p.clientMessageId);

/** Drops the entries the server has now confirmed (matched by clientMessageId). */
export function settlePending(
  pending: readonly PendingMessage[],
  confirmed: readonly Message[],
): readonly PendingMessage[] {
  if (pending.length === 0 || confirmed.length === 0) return pending;
  const ids = new Set(confirmed.map((m) => m.clientMessageId));
  const left = pending.filter((p) => !ids.has(p.clientMessageId));
  return left.length === pending.length ? pending : left;
}

/** The frame that sends one pending message (a resend carries the same clientMessageId: stored at most once). */
export function sendMessageFrame({
  clientMessageId,
  text,
  mentions,
}: PendingMessage): ClientFrameOf<"sendMessage"> {
  const frame: ClientFrameOf<"sendMessage"> = { action: "sendMessage", text, clientMessageId };
  if (mentions.length > 0) frame.mentions = [...mentions];
  return frame;
}

/**
 * The message to put on the wire next: one at a time, in the order written, so the room stores them in that
 * order (the server handles a connection's frames concurrently). Null while one is on the wire or none waits.
 */
export function nextToSend(pending: readonly PendingMessage[]): PendingMessage | null {
  if (pending.some((p) => p.state === "sending")) return null;
  return pending.find((p) => p.state === "queued") ?? null;
}

/** Messages on the wire go back to the queue (their socket is gone), to be sent again on the next one. */
export const requeueSending = (pending: readonly PendingMessage[]): readonly PendingMessage[] =>
  setPendingState(pending, sendingIds(pending), "queued");

/**
 * The messages an error frame refused: the one it names by clientMessageId, else, for a `sendMessage`, the one
 * on the wire (they go one at a time); null if it refused no message.
 */
export function refusedMessageIds(
  frame: Extract<ServerFrame, { type: "error" }>,
  pending: readonly PendingMessage[],
): string[] | null {
  if (frame.clientMessageId) return [frame.clientMessageId];
  return frame.action === "sendMessage" ? sendingIds(pending) : null;
}
