import { NamedTimers } from "./named-timers";
import {
  messageRefusal,
  nextToSend,
  requeueSending,
  sendingIds,
  sendMessageFrame,
  setPendingState,
} from "./pending-messages";
import type { ClientFrame, Message } from "./protocol";
import type { PendingMessage } from "./room-state";
import type { RoomStore } from "./room-store";
import { refused, type SendResult } from "./send-result";
import type { Clock } from "./socket-seam";

export interface MessageOutboxOptions {
  store: RoomStore;
  clock: Clock;
  /** A message whose copy has not come back by then counts as failed. */
  sendTimeoutMs: number;
  /** Our display name, shown on pending messages. */
  author: string;
  newClientId: () => string;
  /** Live, and not waiting out a `rate_limited`. */
  mayTransmit(): boolean;
  /** Puts a frame on the wire; false if the socket could not take it. */
  transmit(frame: ClientFrame): boolean;
}

/**
 * Our messages on their way to the room (`RoomState.pending`, whose pure updates are pending-messages.ts): one
 * on the wire at a time, so the room stores them in the order written. The next goes when the server's copy of
 * the one on the wire (or its refusal) comes back, when it times out, or, after a drop, on the next socket.
 */
export class MessageOutbox {
  readonly #options: MessageOutboxOptions;
  /** Per clientMessageId on the wire: when it counts as failed. */
  readonly #timers: NamedTimers<string>;

  constructor(options: MessageOutboxOptions) {
    this.#options = options;
    this.#timers = new NamedTimers(options.clock);
  }

  /** Shows the message at once as pending and sends it when it may; refused if it could never be sent. */
  queue(text: string, mentions: readonly string[]): SendResult {
    const { store, clock, author, newClientId } = this.#options;
    const mentioned = [...new Set(mentions)];
    const refusal = messageRefusal(text, mentioned);
    if (refusal) return refused(refusal);
    const pending: PendingMessage = {
      clientMessageId: newClientId(),
      text,
      mentions: mentioned,
      author,
      createdAt: new Date(clock.now()).toISOString(),
      state: "queued",
    };
    store.update({ pending: [...store.state.pending, pending] });
    this.sendNext();
    return { ok: true };
  }

  /** Sends a failed message again with the same clientMessageId, so the server stores it at most once. */
  retry(clientMessageId: string): void {
    const pending = this.#options.store.state.pending.find((p) => p.clientMessageId === clientMessageId);
    if (!pending || pending.state === "sending") return;
    this.#setState([clientMessageId], "queued");
    this.sendNext();
  }

  /** Forgets a message (if a copy already reached the server it still shows up when it arrives). */
  discard(clientMessageId: string): void {
    const { store } = this.#options;
    this.#timers.clear(clientMessageId);
    store.update({ pending: store.state.pending.filter((p) => p.clientMessageId !== clientMessageId) });
    this.sendNext();
  }

  /** Puts the oldest queued message on the wire if it may and none is on it yet. */
  sendNext(): void {
    const { store, sendTimeoutMs, mayTransmit, transmit } = this.#options;
    if (!mayTransmit()) return;
    const pending = nextToSend(store.state.pending);
    if (!pending) return;
    const { clientMessageId } = pending;
    if (!transmit(sendMessageFrame(pending))) {
      this.#setState([clientMessageId], "failed");
      return;
    }
    this.#setState([clientMessageId], "sending");
    this.#timers.set(clientMessageId, sendTimeoutMs, () => {
      this.#setState([clientMessageId], "failed", "sending");
      this.sendNext();
    });
  }

  /** The server's copies of our messages arrived: none of them can time out any more. */
  arrived(mine: readonly Message[]): void {
    for (const message of mine) this.#timers.clear(message.clientMessageId);
  }

  /** The server refused these messages: they show as failed (a retry is safe), and the next may go. */
  failed(clientMessageIds: readonly string[]): void {
    this.#stopWaiting(clientMessageIds);
    this.#setState(clientMessageIds, "failed");
    this.sendNext();
  }

  /** The server refused these as `rate_limited`: back to the queue, to go when the wait ends. */
  slowed(clientMessageIds: readonly string[]): void {
    this.#stopWaiting(clientMessageIds);
    this.#setState(clientMessageIds, "queued");
  }

  /** The socket dropped: messages on the wire go back to the queue, to be sent again on the next socket. */
  dropped(): void {
    const { store } = this.#options;
    this.#stopWaiting(sendingIds(store.state.pending));
    this.#replace(requeueSending(store.state.pending));
  }

  /**
   * What waited for a live connection or for the end of a `rate_limited` wait goes out (on a new connection the
   * failed ones too: a resend is stored at most once).
   */
  flush({ failedToo }: { failedToo: boolean }): void {
    const { store } = this.#options;
    if (failedToo)
      this.#setState(
        store.state.pending.filter((p) => p.state === "failed").map((p) => p.clientMessageId),
        "queued",
      );
    this.sendNext();
  }

  /** The connection ended: no message times out any more. */
  cancel(): void {
    this.#timers.clearAll();
  }

  #stopWaiting(clientMessageIds: readonly string[]): void {
    for (const id of clientMessageIds) this.#timers.clear(id);
  }

  #setState(
    ids: readonly string[],
    state: PendingMessage["state"],
    onlyFrom?: PendingMessage["state"],
  ): void {
    this.#replace(setPendingState(this.#options.store.state.pending, ids, state, onlyFrom));
  }

  #replace(pending: readonly PendingMessage[]): void {
    const { store } = this.#options;
    if (pending !== store.state.pending) store.update({ pending });
  }
}
