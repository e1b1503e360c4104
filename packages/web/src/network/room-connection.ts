import { CommandOutbox } from "./command-outbox";
import { type ConnectionTiming, defaultTiming } from "./connection-timing";
import { MessageOutbox } from "./message-outbox";
import { NamedTimers } from "./named-timers";
import { Notices } from "./notices";
import { requeueSending } from "./pending-messages";
import type { ClientFrame, Message, Room, Todo } from "./protocol";
import { ReadReporter } from "./read-receipts";
import { Refusals } from "./refusals";
import type { RoomConnectionOptions } from "./room-connection-options";
import { RoomMessages } from "./room-messages";
import type { EndReason, RoomState } from "./room-state";
import { RoomStore } from "./room-store";
import { RoomSync } from "./room-sync";
import { RoomTodos } from "./room-todos";
import { refused, type SendResult } from "./send-result";
import { ServerFrames } from "./server-frames";
import { SocketLifecycle } from "./socket-lifecycle";
import type { TodoChanges, TodoMove } from "./todo-commands";
import { TypingSignal, Typists } from "./typing";

export type { RoomConnectionOptions } from "./room-connection-options";

/** Ends a connection can be started again from, by the person (`retry()`): nothing says it would fail again. */
const retryableEnds = new Set<EndReason>(["room_full", "refused", "too_large"]);

/**
 * One person's live connection to one room: what the person does becomes frames, and the frames that come
 * back become the room state. This class wires its parts, which live beside it: the state and its listeners
 * (room-store.ts), the socket's life (socket-lifecycle.ts: tickets, ping, reconnects), the frames that come in
 * (server-frames.ts) and the refusals among them (refusals.ts), catching up (room-sync.ts, snapshot-patch.ts),
 * messages (room-messages.ts) and ours on their way out (message-outbox.ts), todos (room-todos.ts), other
 * commands on their way out (command-outbox.ts), read positions (read-receipts.ts), typing (typing.ts) and
 * notices (notices.ts). Plain TypeScript: socket, clock and randomness come in as options, so tests drive it
 * step by step.
 *
 * A refusal is taken as one: `rate_limited` holds what the person sends for the server's `retryAfterMs` and
 * sends it then (never at once, never as a failure); a full room, a snapshot too large to send, or a handshake
 * refused again and again ends the connection instead of reconnecting in a loop.
 */
export class RoomConnection {
  readonly #store: RoomStore;
  readonly #socket: SocketLifecycle;
  /** The wait a `rate_limited` refusal asks for: what the person sends is held until it ends. */
  readonly #rateLimit: NamedTimers<"rateLimit">;
  readonly #notices: Notices;
  readonly #outbox: MessageOutbox;
  readonly #commands: CommandOutbox;
  readonly #messages: RoomMessages;
  readonly #todos: RoomTodos;
  readonly #sync: RoomSync;
  readonly #reads: ReadReporter;
  readonly #typingSignal: TypingSignal;
  readonly #typists: Typists;
  #started = false;

  constructor(options: RoomConnectionOptions) {
    const { wsUrl, roomId, name, getTicket, openSocket, fetchOlder, clock, random, userId, newClientId } =
      options;
    const timing: ConnectionTiming = { ...defaultTiming, ...options.timing };
    const store = new RoomStore(() => this.#socket.ended);
    const live = () => store.state.status === "live";
    const ended = () => this.#socket.ended;
    const transmit = (frame: ClientFrame) => this.#socket.send(frame);
    const { sendTimeoutMs } = timing;
    this.#store = store;
    this.#rateLimit = new NamedTimers(clock);
    this.#notices = new Notices(clock, timing.infoNoticeMs, store);
    this.#reads = new ReadReporter(clock, timing.markReadDelayMs, {
      readSeq: () => store.state.readSeq,
      live,
      send: (seq) => transmit({ action: "markRead", seq }),
      sent: (readSeq) => store.update({ readSeq }),
    });
    this.#typingSignal = new TypingSignal(
      clock,
      timing.typingEveryMs,
      () => live() && transmit({ action: "typing" }),
    );
    this.#typists = new Typists(clock, timing.typingShownMs, userId, {
      get: () => store.state.typing,
      set: (typing) => store.update({ typing }),
    });
    this.#outbox = new MessageOutbox({
      ...{ store, clock, sendTimeoutMs, author: name, newClientId, transmit },
      mayTransmit: () => this.#mayTransmit(),
    });
    const waiting = () => this.#rateLimit.has("rateLimit");
    this.#commands = new CommandOutbox({ clock, sendTimeoutMs, ended, live, waiting, transmit });
    const commands = this.#commands;
    this.#messages = new RoomMessages({
      ...{ store, clock, roomId, userId, fetchOlder, commands, outbox: this.#outbox },
      merged: (newestSeq) => this.#sync.merged(newestSeq),
    });
    this.#todos = new RoomTodos({ store, newClientId, ended, commands });
    this.#socket = new SocketLifecycle({
      ...{ wsUrl, roomId, getTicket, openSocket, clock, random, timing },
      events: {
        // Once a room was on screen, every new connect is a reconnect to the person.
        onStatus: (status, retryAt) =>
          store.update({ status: store.state.synced ? "reconnecting" : status, retryAt }),
        onOpen: () => this.#sync.opened(),
        onFrame: (data) => frames.receive(data),
        onDrop: (code) => this.#onDrop(code),
        onEnd: (reason) => this.#onEnd(reason),
      },
    });
    const socket = this.#socket;
    this.#sync = new RoomSync({
      ...{ store, socket, clock, timing, userId, transmit, messages: this.#messages, todos: this.#todos },
      wentLive: () => {
        this.#flushHeld({ failedToo: true });
        this.#reads.resume();
      },
    });
    const refusals = new Refusals({
      ...{ store, todos: this.#todos, sync: this.#sync, outbox: this.#outbox, commands },
      defaultRetryAfterMs: timing.defaultRetryAfterMs,
      notify: (tone, content) => this.#notices.notify(tone, content),
      slowDown: (waitMs) =>
        this.#rateLimit.set("rateLimit", waitMs, () => this.#flushHeld({ failedToo: false })),
    });
    const frames = new ServerFrames({
      ...{ store, userId, sync: this.#sync, messages: this.#messages, todos: this.#todos },
      ...{ typists: this.#typists, refusals, socket },
    });
  }

  get state(): RoomState {
    return this.#store.state;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (state: RoomState) => void): () => void {
    return this.#store.subscribe(listener);
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#socket.open();
  }

  /** Leaves the room for good: closes the socket and every timer. */
  stop(): void {
    // What was seen but not yet reported still counts: leaving the room right after reading is common.
    this.#socket.end("stopped", () => {
      const seq = this.#reads.unsent();
      if (seq !== null) this.#socket.send({ action: "markRead", seq });
    });
  }

  /** Skips the rest of a backoff wait (the browser says it is online again, say). */
  reconnectNow(): void {
    this.#socket.reconnectNow();
  }

  /** The person asks to try again after an end that may pass (a full room, a refused handshake). */
  retry(): void {
    if (!this.#socket.ended || !this.state.ended || !retryableEnds.has(this.state.ended)) return;
    this.#socket.restart();
    this.#store.update({ ended: null });
  }

  /** What the room looked like over HTTP, shown until the first snapshot arrives. */
  seed({ room, todos }: { room: Room; todos: Todo[] }): void {
    if (this.state.synced) return;
    this.#store.update({ room, todos: this.#todos.fromSnapshot(todos) });
  }

  // ---- messages -------------------------------------------------------------------------------------------

  /** Shows the message at once as pending and sends it when the room is live. `mentions`: userIds picked. */
  sendMessage(text: string, { mentions = [] }: { mentions?: readonly string[] } = {}): SendResult {
    if (this.#socket.ended) return refused("ended");
    const result = this.#outbox.queue(text, mentions);
    // The message is what they were typing: a `typing` still waiting to go out would now be wrong.
    if (result.ok) this.#typingSignal.cancel();
    return result;
  }

  /** Sends a failed message again with the same clientMessageId, so the server stores it at most once. */
  retryMessage(clientMessageId: string): void {
    this.#outbox.retry(clientMessageId);
  }

  /** Forgets a failed message. (If a copy already reached the server it still shows up when it arrives.) */
  discardMessage(clientMessageId: string): void {
    this.#outbox.discard(clientMessageId);
  }

  /** Loads the page of history before the oldest message held. */
  loadOlder(): Promise<void> {
    return this.#messages.loadOlder();
  }

  /** Replaces the text of one of my messages; the room sees it `edited` (the server refuses anyone else's). */
  editMessage(message: Message, text: string): SendResult {
    return this.#messages.edit(message, text);
  }

  /** Deletes a message (mine, or any as the room's owner): a tombstone stays in its place. */
  deleteMessage(message: Message): SendResult {
    return this.#messages.delete(message);
  }

  /** Adds (`on`) or takes back my `emoji` on a message; the room's counts come back in a `reactions` frame. */
  react(message: Message, emoji: string, on: boolean): SendResult {
    return this.#messages.react(message, emoji, on);
  }

  // ---- todos ----------------------------------------------------------------------------------------------

  addTodo(title: string): SendResult {
    return this.#todos.add(title);
  }

  /** Changes a todo at the version shown; if someone changed it first, the server's copy replaces ours. */
  updateTodo(todo: Todo, changes: TodoChanges): SendResult {
    return this.#todos.update(todo, changes);
  }

  /** Deletes a todo at the version shown; if someone changed it first, the server's copy stays and is shown. */
  deleteTodo(todo: Todo): SendResult {
    return this.#todos.delete(todo);
  }

  /**
   * Moves a todo one place up or down the list as shown, or right after another (a drag and drop). Pressing a
   * key several times moves it several places instead of losing a race (room-todos.ts).
   */
  moveTodo(todoId: string, move: TodoMove): SendResult {
    return this.#todos.move(todoId, move);
  }

  // ---- attention ------------------------------------------------------------------------------------------

  /**
   * The person has seen every message up to `seq` (the view calls this when the newest message is on screen).
   * Sent as `markRead` at most once per `markReadDelayMs`, only forward, and only while live (else when live).
   */
  markRead(seq: number): void {
    if (!this.#socket.ended) this.#reads.seen(seq);
  }

  /** The person is typing: told to the room at once, then at most once per `typingEveryMs` (typing.ts). */
  typing(): void {
    if (!this.#socket.ended && this.state.status === "live") this.#typingSignal.typing();
  }

  dismissNotice(id: number): void {
    this.#notices.dismiss(id);
  }

  // ---- the socket's life ----------------------------------------------------------------------------------

  /** The socket is gone and the next one is scheduled: what was in flight on it is in flight no more. */
  #onDrop(code: number | undefined): void {
    this.#todos.socketGone();
    this.#commands.socketGone();
    if (code === 1009) this.#notices.notify("error", { kind: "frameTooLarge" });
    this.#sync.socketGone();
    this.#typingSignal.reset();
    this.#outbox.dropped();
  }

  /** Closed for good: every timer cleared, and `ended` says why. */
  #onEnd(reason: EndReason): void {
    this.#todos.socketGone();
    this.#commands.socketGone();
    this.#rateLimit.clearAll();
    this.#sync.socketGone();
    this.#outbox.cancel();
    this.#reads.cancel();
    this.#typingSignal.cancel();
    this.#typists.cancel();
    // Messages on the wire go back to the queue: none is on the wire any more (after a `retry()` they go again).
    const pending = requeueSending(this.state.pending);
    this.#store.update({ status: "closed", retryAt: null, ended: reason, pending });
  }

  /** Live, and not waiting out a `rate_limited`. */
  #mayTransmit(): boolean {
    return this.state.status === "live" && !this.#rateLimit.has("rateLimit");
  }

  /** Sends what waited for a live connection or for the end of a `rate_limited` wait: todo commands, then messages. */
  #flushHeld({ failedToo }: { failedToo: boolean }): void {
    if (!this.#mayTransmit()) return;
    this.#commands.flush();
    this.#outbox.flush({ failedToo });
  }
}
