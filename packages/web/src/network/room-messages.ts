import { problemOf } from "./api-error";
import type { CommandOutbox } from "./command-outbox";
import type { MessagesPage } from "./http-api";
import { deleteMessage, MyReactions, refreshMessages, setReactions, updateMessage } from "./message-changes";
import { deleteMessageCommand, editMessageCommand, reactCommand } from "./message-commands";
import type { MessageOutbox } from "./message-outbox";
import { settlePending } from "./pending-messages";
import type { Message, Reaction } from "./protocol";
import { contiguousEnd, mergeMessages } from "./room-state";
import type { RoomStore } from "./room-store";
import type { SendResult } from "./send-result";
import type { Clock } from "./socket-seam";

export interface RoomMessagesOptions {
  store: RoomStore;
  clock: Clock;
  roomId: string;
  /** Our userId: which messages are ours. */
  userId: string;
  /** Older history over HTTP. */
  fetchOlder: (input: { roomId: string; before: number }) => Promise<MessagesPage>;
  /** Where the person's changes to messages go out. */
  commands: Pick<CommandOutbox, "send">;
  /** Our messages on their way: the server's copies of them settle them, and the next may go. */
  outbox: Pick<MessageOutbox, "arrived" | "sendNext">;
  /** Messages up to `newestSeq` were merged in (room-sync.ts). */
  merged(newestSeq: number): void;
}

/**
 * The room's confirmed messages (`RoomState.messages`) as they arrive, live, with a snapshot or a page of older
 * history, and the changes to them: edits, deletions and reactions, the person's (message-commands.ts) and
 * everyone's (message-changes.ts).
 */
export class RoomMessages {
  readonly #options: RoomMessagesOptions;
  readonly #myReactions = new MyReactions();

  constructor(options: RoomMessagesOptions) {
    this.#options = options;
  }

  /** New messages, live or with a snapshot. */
  received(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const { store, userId, outbox, merged } = this.#options;
    const { state } = store;
    const mine = messages.filter((m) => m.authorId === userId);
    outbox.arrived(mine);
    this.#myReactions.heard(messages);
    const next = mergeMessages(refreshMessages(state.messages, messages), messages);
    // Sending moves one's own read position to the message (contract), so ours are never unread.
    const readSeq = Math.max(state.readSeq, ...mine.map((m) => m.seq));
    store.update({
      messages: next,
      lastSeq: contiguousEnd(next, state.lastSeq),
      pending: settlePending(state.pending, mine),
      readSeq,
    });
    outbox.sendNext();
    merged(Math.max(...messages.map((m) => m.seq)));
  }

  /** Held messages as they are now (a snapshot's `changes`: edited, deleted or reacted to while we were away). */
  changed(messages: readonly Message[]): void {
    this.#myReactions.heard(messages);
    this.#setMessages(refreshMessages(this.#options.store.state.messages, messages));
  }

  /** Loads the page of history before the oldest message held. */
  async loadOlder(): Promise<void> {
    const { store, roomId, fetchOlder } = this.#options;
    const { cursor, loading } = store.state.older;
    if (cursor === null || loading) return;
    store.update({ older: { cursor, loading: true, error: null } });
    try {
      const page = await fetchOlder({ roomId, before: cursor });
      this.#myReactions.heard(page.messages);
      const { state } = store;
      store.update({
        messages: mergeMessages(refreshMessages(state.messages, page.messages), page.messages),
        pending: settlePending(state.pending, page.messages),
        older: { cursor: page.cursor, loading: false, error: null },
      });
    } catch (error) {
      store.update({ older: { cursor, loading: false, error: problemOf(error) } });
    }
  }

  /** A `messageUpdated` frame: an edit, with the reactions as they are now (`mine` left out). */
  updated(message: Message): void {
    this.#setMessages(
      updateMessage(this.#options.store.state.messages, message, (incoming, current) => ({
        ...incoming,
        reactions: this.#myReactions.resolve(
          incoming.messageId,
          incoming.reactions ?? current.reactions ?? [],
          current.reactions ?? [],
        ),
      })),
    );
  }

  /** A `messageDeleted` frame. */
  deleted(messageId: string): void {
    const { store, clock } = this.#options;
    // The frame carries no time: the tombstone is stamped with when we heard of it.
    const deletedAt = new Date(clock.now()).toISOString();
    this.#setMessages(deleteMessage(store.state.messages, { messageId, deletedAt }));
  }

  /** A `reactions` frame: a message's reactions as they are now. */
  reactions(messageId: string, reactions: readonly Reaction[]): void {
    const { messages } = this.#options.store.state;
    const held = messages.find((m) => m.messageId === messageId);
    if (!held) return;
    const resolved = this.#myReactions.resolve(messageId, reactions, held.reactions ?? []);
    this.#setMessages(setReactions(messages, messageId, resolved));
  }

  edit(message: Message, text: string): SendResult {
    return this.#options.commands.send(editMessageCommand(message, text));
  }

  delete(message: Message): SendResult {
    return this.#options.commands.send(deleteMessageCommand(message));
  }

  react(message: Message, emoji: string, on: boolean): SendResult {
    const result = this.#options.commands.send(reactCommand(message, emoji, on));
    if (result.ok) this.#myReactions.toggled(message.messageId, emoji, on);
    return result;
  }

  #setMessages(messages: readonly Message[]): void {
    const { store } = this.#options;
    if (messages !== store.state.messages) store.update({ messages });
  }
}
