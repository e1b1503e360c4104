import type { Message, Reaction } from "./protocol";

/**
 * Changes to messages already held (edits, deletions, reactions), as pure functions over `RoomState.messages`.
 * Each returns the same array when nothing changes, so a repeated frame causes no re-render. Edits and
 * deletions take no new seq: they replace the message with that messageId where it is, and are dropped for a
 * message not held (it arrives as it is now with the history page that brings it).
 */

/** A tombstone of `message`: no text, no mentions, no reactions (the contract keeps only `deletedAt`). */
export const tombstone = (message: Message, deletedAt: string): Message => ({
  ...message,
  text: "",
  mentions: [],
  reactions: [],
  deletedAt: message.deletedAt ?? deletedAt,
});

/** The newer of two copies of one message: a deletion is final, and a later edit wins over an earlier one. */
function newer(current: Message, incoming: Message): Message {
  if (current.deletedAt) return current;
  if (incoming.deletedAt) return incoming;
  if ((current.editedAt ?? "") > (incoming.editedAt ?? "")) return current;
  return incoming;
}

function replaceAt(messages: readonly Message[], index: number, message: Message): readonly Message[] {
  const next = messages.slice();
  next[index] = message;
  return next;
}

/**
 * A message's new copy (`messageUpdated`, or a held message seen again in a snapshot or history page): replaces
 * the held one unless that is newer. `withReactions` resolves which reactions are mine (see MyReactions).
 */
export function updateMessage(
  messages: readonly Message[],
  incoming: Message,
  withReactions: (message: Message, current: Message) => Message = (m) => m,
): readonly Message[] {
  const index = messages.findIndex((m) => m.messageId === incoming.messageId);
  if (index === -1) return messages;
  const current = messages[index] as Message;
  const chosen = newer(current, incoming);
  if (chosen === current) return messages;
  const next = withReactions(chosen, current);
  return sameMessage(current, next) ? messages : replaceAt(messages, index, next);
}

/** `messageDeleted`: the held message becomes a tombstone. */
export function deleteMessage(
  messages: readonly Message[],
  { messageId, deletedAt }: { messageId: string; deletedAt: string },
): readonly Message[] {
  const index = messages.findIndex((m) => m.messageId === messageId);
  const current = messages[index];
  if (!current || current.deletedAt) return messages;
  return replaceAt(messages, index, tombstone(current, deletedAt));
}

/** `reactions`: the message's reactions as they are now (a tombstone has none). */
export function setReactions(
  messages: readonly Message[],
  messageId: string,
  reactions: readonly Reaction[],
): readonly Message[] {
  const index = messages.findIndex((m) => m.messageId === messageId);
  const current = messages[index];
  if (!current || current.deletedAt) return messages;
  if (sameReactions(current.reactions ?? [], reactions)) return messages;
  return replaceAt(messages, index, { ...current, reactions: [...reactions] });
}

const sameReactions = (a: readonly Reaction[], b: readonly Reaction[]) =>
  a.length === b.length &&
  a.every(
    (r, i) => r.emoji === b[i]?.emoji && r.count === b[i]?.count && Boolean(r.mine) === Boolean(b[i]?.mine),
  );

const sameMessage = (a: Message, b: Message) =>
  a.text === b.text &&
  a.editedAt === b.editedAt &&
  a.deletedAt === b.deletedAt &&
  sameReactions(a.reactions ?? [], b.reactions ?? []);

/**
 * Which reactions are the person's own. The server says so (`mine`, true or false for every emoji) in what it
 * sends to this person alone: snapshots, history, and the `reactions` frames that answer their own toggles (in
 * any of their tabs). Everyone else's `reactions` frames and `messageUpdated` leave `mine` out: then it stays
 * what it was, or what the person last toggled on this connection while that toggle's answer is on its way.
 */
export class MyReactions {
  /** `${messageId} ${emoji}` → on or off, as last toggled by the person and not yet answered. */
  readonly #toggled = new Map<string, boolean>();

  /** The person toggled `emoji` on `messageId`. */
  toggled(messageId: string, emoji: string, on: boolean): void {
    this.#toggled.set(`${messageId} ${emoji}`, on);
  }

  /** The server said to this person alone which reactions on these messages are theirs: that counts now. */
  heard(messages: readonly Pick<Message, "messageId">[]): void {
    if (this.#toggled.size === 0) return;
    const ids = new Set(messages.map((m) => m.messageId));
    for (const key of this.#toggled.keys())
      if (ids.has(key.slice(0, key.indexOf(" ")))) this.#toggled.delete(key);
  }

  /**
   * Reactions from a frame with `mine` set for this person: the server's where it says (then it answers the
   * person's toggles), else their latest toggle, else what was theirs before (`previous`, the held copy's).
   * Nothing counted zero is mine.
   */
  resolve(messageId: string, reactions: readonly Reaction[], previous: readonly Reaction[]): Reaction[] {
    if (reactions.some((r) => typeof r.mine === "boolean")) {
      this.heard([{ messageId }]);
      return reactions.map(({ emoji, count, mine }) =>
        mine && count > 0 ? { emoji, count, mine } : { emoji, count },
      );
    }
    const before = new Set(previous.filter((r) => r.mine).map((r) => r.emoji));
    return reactions.map(({ emoji, count }) => {
      const toggled = this.#toggled.get(`${messageId} ${emoji}`);
      const mine = count > 0 && (toggled ?? before.has(emoji));
      return mine ? { emoji, count, mine } : { emoji, count };
    });
  }
}

/**
 * Held messages seen again (a snapshot, a history page): the server's copy replaces ours where it is newer,
 * its `mine` taken as it is (said to this person alone). Messages not held are left to `mergeMessages`.
 */
export function refreshMessages(
  messages: readonly Message[],
  incoming: readonly Message[],
): readonly Message[] {
  if (incoming.length === 0 || messages.length === 0) return messages;
  const held = new Set(messages.map((m) => m.messageId));
  let next = messages;
  for (const message of incoming) if (held.has(message.messageId)) next = updateMessage(next, message);
  return next;
}
