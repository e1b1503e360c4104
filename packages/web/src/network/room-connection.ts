import { problemOf } from "./api-error";
import { CatchUp } from "./catch-up";
import { type ConnectionTiming, defaultTiming } from "./connection-timing";
import { HeldCommands } from "./held-commands";
import type { MessagesPage } from "./http-api";
import { limits } from "./limits";
import { deleteMessage, MyReactions, refreshMessages, setReactions, updateMessage } from "./message-changes";
import { deleteMessageCommand, editMessageCommand, reactCommand } from "./message-commands";
import { NamedTimers } from "./named-timers";
import { dropNotice, type NoticeContent, problemOfFrame, pushNotice } from "./notices";
import {
  messageRefusal,
  nextToSend,
  sendingIds,
  sendMessageFrame,
  setPendingState,
  settlePending,
} from "./pending-messages";
import { leftWith, membershipAfter } from "./presence";
import type { ClientFrame, Message, Room, ServerFrame, SnapshotPart, Todo } from "./protocol";
import { othersReads, ReadReporter, readFrom } from "./read-receipts";
import {
  contiguousEnd,
  type EndReason,
  initialRoomState,
  mergeMessages,
  type Notice,
  type PendingMessage,
  type RoomState,
  removeTodo,
  snapshotTodos,
  upsertTodo,
} from "./room-state";
import { refused, type SendResult } from "./send-result";
import { SocketLifecycle } from "./socket-lifecycle";
import type { Clock, OpenSocket } from "./socket-seam";
import { TodoAdds } from "./todo-adds";
import {
  addTodoCommand,
  deleteTodoCommand,
  type TodoChanges,
  type TodoCommand,
  type TodoMove,
  todoMoveCommand,
  updateTodoCommand,
} from "./todo-commands";
import { TodoMoves } from "./todo-moves";
import { TypingSignal, Typists } from "./typing";

export interface RoomConnectionOptions {
  wsUrl: string;
  roomId: string;
  /** Our display name, shown on pending messages (the server takes the real one from the ticket). */
  name: string;
  /** Our userId: which messages are ours (they settle pending ones and are never unread) and which reads are others'. */
  userId: string;
  /**
   * A fresh single-use ticket for one connect (POST /rooms/{id}/tickets), asked for before every connect and
   * reconnect: a promise, or the ticket itself if one is at hand. A failure with an ApiError of status 401, 403
   * or 404, or of code `limit_reached`, ends the connection for good (signed out, removed, not found, room
   * full); `rate_limited` waits its `retryAfterMs`; any other failure is retried like a dropped socket.
   */
  getTicket: (roomId: string) => string | PromiseLike<string>;
  openSocket: OpenSocket;
  /** Older history over HTTP (GET /rooms/{id}/messages?before=<seq>). */
  fetchOlder: (input: { roomId: string; before: number }) => Promise<MessagesPage>;
  clock: Clock;
  random: () => number;
  newClientId: () => string;
  timing?: Partial<ConnectionTiming>;
}

/** Ends a connection can be started again from, by the person (`retry()`): nothing says it would fail again. */
const retryableEnds = new Set<EndReason>(["room_full", "refused", "too_large"]);

type Timer = "gapSync" | "syncRetry" | "rateLimit" | "todoAdd" | "joinCheck";

/** Frames sent in the background: a refusal of one is nothing the person could act on. */
const backgroundActions = new Set(["ping", "typing", "markRead"]);

/**
 * One person's live connection to one room: what the person does becomes frames, and the frames that come
 * back become the room state. Its parts live beside it: the socket's life (socket-lifecycle.ts: tickets,
 * ping, reconnects), catch-up (catch-up.ts), the pending message queue (pending-messages.ts), todo commands
 * (todo-commands.ts), adds (todo-adds.ts) and moves (todo-moves.ts), read positions (read-receipts.ts), typing (typing.ts), who is in the room (presence.ts),
 * notices (notices.ts), the state's pure updates (room-state.ts). Plain TypeScript:
 * socket, clock and randomness come in as options, so tests drive it step by step.
 *
 * A refusal is taken as one: `rate_limited` holds what the person sends for the server's `retryAfterMs` and
 * sends it then (never at once, never as a failure); a full room, a snapshot too large to send, or a handshake
 * refused again and again ends the connection instead of reconnecting in a loop.
 */
export class RoomConnection {
  #state: RoomState = initialRoomState();
  readonly #listeners = new Set<(state: RoomState) => void>();
  readonly #options: RoomConnectionOptions;
  readonly #timing: ConnectionTiming;
  readonly #timers: NamedTimers<Timer>;
  /** Per clientMessageId on the wire: when it counts as failed. */
  readonly #sendTimers: NamedTimers<string>;
  readonly #reads: ReadReporter;
  readonly #typingSignal: TypingSignal;
  readonly #typists: Typists;
  readonly #catchUp = new CatchUp();
  readonly #deletedTodos = new Set<string>();
  readonly #held = new HeldCommands();
  readonly #adds = new TodoAdds();
  readonly #moves = new TodoMoves();
  readonly #myReactions = new MyReactions();
  readonly #socket: SocketLifecycle;
  #started = false;
  #noticeId = 0;

  constructor(options: RoomConnectionOptions) {
    this.#options = options;
    this.#timing = { ...defaultTiming, ...options.timing };
    this.#timers = new NamedTimers(options.clock);
    this.#sendTimers = new NamedTimers(options.clock);
    const { wsUrl, roomId, getTicket, openSocket, clock, random, userId } = options;
    const live = () => this.#state.status === "live";
    this.#reads = new ReadReporter(clock, this.#timing.markReadDelayMs, {
      readSeq: () => this.#state.readSeq,
      live,
      send: (seq) => this.#transmit({ action: "markRead", seq }),
      sent: (readSeq) => this.#update({ readSeq }),
    });
    this.#typingSignal = new TypingSignal(
      clock,
      this.#timing.typingEveryMs,
      () => live() && this.#transmit({ action: "typing" }),
    );
    this.#typists = new Typists(clock, this.#timing.typingShownMs, userId, {
      get: () => this.#state.typing,
      set: (typing) => this.#update({ typing }),
    });
    this.#socket = new SocketLifecycle({
      ...{ wsUrl, roomId, getTicket, openSocket, clock, random },
      timing: this.#timing,
      events: {
        // Once a room was on screen, every new connect is a reconnect to the person.
        onStatus: (status, retryAt) =>
          this.#update({ status: this.#state.synced ? "reconnecting" : status, retryAt }),
        onOpen: () => this.#requestSync(this.#state.synced ? this.#state.lastSeq : null),
        onFrame: (data) => this.#onFrame(data),
        onDrop: (code) => this.#onDrop(code),
        onEnd: (reason) => this.#onEnd(reason),
      },
    });
  }

  get state(): RoomState {
    return this.#state;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe(listener: (state: RoomState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
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
    if (!this.#socket.ended || !this.#state.ended || !retryableEnds.has(this.#state.ended)) return;
    this.#socket.restart();
    this.#update({ ended: null });
  }

  /** What the room looked like over HTTP, shown until the first snapshot arrives. */
  seed({ room, todos }: { room: Room; todos: Todo[] }): void {
    if (this.#state.synced) return;
    this.#update({ room, todos: snapshotTodos(todos, this.#deletedTodos) });
  }

  // ---- messages -------------------------------------------------------------------------------------------

  /** Shows the message at once as pending and sends it when the room is live. `mentions`: userIds picked. */
  sendMessage(text: string, { mentions = [] }: { mentions?: readonly string[] } = {}): SendResult {
    if (this.#socket.ended) return refused("ended");
    const mentioned = [...new Set(mentions)];
    const refusal = messageRefusal(text, mentioned);
    if (refusal) return refused(refusal);
    const pending: PendingMessage = {
      clientMessageId: this.#options.newClientId(),
      text,
      mentions: mentioned,
      author: this.#options.name,
      createdAt: new Date(this.#options.clock.now()).toISOString(),
      state: "queued",
    };
    this.#update({ pending: [...this.#state.pending, pending] });
    // The message is what they were typing: a `typing` still waiting to go out would now be wrong.
    this.#typingSignal.cancel();
    this.#sendNextPending();
    return { ok: true };
  }

  /** Sends a failed message again with the same clientMessageId, so the server stores it at most once. */
  retryMessage(clientMessageId: string): void {
    const pending = this.#state.pending.find((p) => p.clientMessageId === clientMessageId);
    if (!pending || pending.state === "sending") return;
    this.#setPendingState([clientMessageId], "queued");
    this.#sendNextPending();
  }

  /** Forgets a failed message. (If a copy already reached the server it still shows up when it arrives.) */
  discardMessage(clientMessageId: string): void {
    this.#sendTimers.clear(clientMessageId);
    this.#update({ pending: this.#state.pending.filter((p) => p.clientMessageId !== clientMessageId) });
    this.#sendNextPending();
  }

  /** Loads the page of history before the oldest message held. */
  async loadOlder(): Promise<void> {
    const { cursor, loading } = this.#state.older;
    if (cursor === null || loading) return;
    this.#update({ older: { cursor, loading: true, error: null } });
    try {
      const page = await this.#options.fetchOlder({ roomId: this.#options.roomId, before: cursor });
      this.#myReactions.heard(page.messages);
      this.#update({
        messages: mergeMessages(refreshMessages(this.#state.messages, page.messages), page.messages),
        pending: settlePending(this.#state.pending, page.messages),
        older: { cursor: page.cursor, loading: false, error: null },
      });
    } catch (error) {
      this.#update({ older: { cursor, loading: false, error: problemOf(error) } });
    }
  }

  // ---- changes to stored messages -------------------------------------------------------------------------

  /** Replaces the text of one of my messages; the room sees it `edited` (the server refuses anyone else's). */
  editMessage(message: Message, text: string): SendResult {
    return this.#sendCommand(editMessageCommand(message, text));
  }

  /** Deletes a message (mine, or any as the room's owner): a tombstone stays in its place. */
  deleteMessage(message: Message): SendResult {
    return this.#sendCommand(deleteMessageCommand(message));
  }

  /** Adds (`on`) or takes back my `emoji` on a message; the room's counts come back in a `reactions` frame. */
  react(message: Message, emoji: string, on: boolean): SendResult {
    const result = this.#sendCommand(reactCommand(message, emoji, on));
    if (result.ok) this.#myReactions.toggled(message.messageId, emoji, on);
    return result;
  }

  // ---- todos ----------------------------------------------------------------------------------------------

  addTodo(title: string): SendResult {
    return this.#sendCommand(addTodoCommand(title, this.#options.newClientId()));
  }

  /** Changes a todo at the version shown; if someone changed it first, the server's copy replaces ours. */
  updateTodo(todo: Todo, changes: TodoChanges): SendResult {
    return this.#sendCommand(updateTodoCommand(todo, changes));
  }

  /** Deletes a todo at the version shown; if someone changed it first, the server's copy stays and is shown. */
  deleteTodo(todo: Todo): SendResult {
    return this.#sendCommand(deleteTodoCommand(todo));
  }

  /**
   * Moves a todo one place up or down the list as shown, or right after another (a drag and drop). A move sent
   * at a version that is still on its way holds the next moves of that todo until the server's copy arrives
   * (each move needs the version and order the last one made), so pressing a key several times moves it
   * several places instead of losing a race.
   */
  moveTodo(todoId: string, move: TodoMove): SendResult {
    if (!this.#socket.ended && this.#state.status === "live" && this.#moves.queueBehind(todoId, move))
      return { ok: true };
    const command = todoMoveCommand(this.#state.todos, todoId, move);
    const result = this.#sendCommand(command);
    const todo = this.#state.todos.find((t) => t.todoId === todoId);
    if (result.ok && command && todo) this.#moves.sent(todoId, todo.version);
    return result;
  }

  /** The server's copy of a todo arrived: a move of it that was waiting for that goes out now. */
  #continueMoves(todo: Todo): void {
    const [next, ...rest] = this.#moves.arrived(todo) ?? [];
    if (!next || !this.moveTodo(todo.todoId, next).ok) return;
    this.#moves.queueBehind(todo.todoId, ...rest);
  }

  // ---- attention ------------------------------------------------------------------------------------------

  /**
   * The person has seen every message up to `seq` (the view calls this when the newest message is on screen).
   * Sent as `markRead` at most once per `markReadDelayMs`, only forward, and only while live (else when live).
   */
  markRead(seq: number): void {
    if (!this.#socket.ended) this.#reads.seen(seq);
  }

  /**
   * The person is typing: tells the room at once, then at most once per `typingEveryMs`. Typing during the wait
   * is told when it ends (else a short message typed just after the last would never show); sending a message
   * cancels that.
   */
  typing(): void {
    if (!this.#socket.ended && this.#state.status === "live") this.#typingSignal.typing();
  }

  dismissNotice(id: number): void {
    const notices = dropNotice(this.#state.notices, id);
    if (notices !== this.#state.notices) this.#update({ notices });
  }

  // ---- socket lifecycle -----------------------------------------------------------------------------------

  /** The socket is gone and the next one is scheduled: what was in flight on it is in flight no more. */
  #onDrop(code: number | undefined): void {
    this.#moves.clear();
    // An add on the wire may or may not have landed (the snapshot shows); the ones queued behind it wait.
    this.#adds.release();
    this.#timers.clear("todoAdd");
    if (code === 1009) this.#notify("error", { kind: "frameTooLarge" });
    this.#catchUp.reset();
    this.#typingSignal.reset();
    for (const timer of ["gapSync", "syncRetry", "joinCheck"] as const) this.#timers.clear(timer);
    for (const id of sendingIds(this.#state.pending)) this.#sendTimers.clear(id);
    // Messages on the wire go back to the queue, to be sent again on the next socket.
    this.#setPendingState(sendingIds(this.#state.pending), "queued");
  }

  /** Closed for good: every timer cleared, and `ended` says why. */
  #onEnd(reason: EndReason): void {
    this.#moves.clear();
    this.#adds.release();
    this.#timers.clearAll();
    this.#sendTimers.clearAll();
    this.#reads.cancel();
    this.#typingSignal.cancel();
    this.#typists.cancel();
    this.#catchUp.reset();
    this.#update({
      status: "closed",
      retryAt: null,
      ended: reason,
      pending: setPendingState(this.#state.pending, sendingIds(this.#state.pending), "queued"),
    });
  }

  /** `afterSeq` null: the newest page. */
  #requestSync(afterSeq: number | null): void {
    this.#timers.clear("gapSync");
    this.#transmit(this.#catchUp.request(afterSeq));
  }

  #goLive(): void {
    this.#socket.live();
    this.#update({ status: "live", retryAt: null });
    this.#flushHeld({ failedToo: true });
    this.#reads.resume();
    // A message stored just after our snapshot may have been fanned out to a room list read a moment before we
    // joined (the server reuses a room's list for up to a second): one ping a little later shows, by its
    // `lastSeq`, whether one passed us by, instead of at the next message or the 5-minute ping.
    this.#timers.set("joinCheck", this.#timing.joinCheckAfterMs, () => this.#transmit({ action: "ping" }));
  }

  /**
   * If the server has messages past the run we hold, syncs exactly that range after `gapSyncDelayMs` (unless
   * they arrive live meanwhile). Only while live and with no sync on its way: a catch-up covers it otherwise.
   */
  #checkGap(): void {
    if (!this.#catchUp.hasGap(this.#state.lastSeq)) {
      this.#timers.clear("gapSync");
      return;
    }
    if (this.#state.status !== "live" || this.#timers.has("gapSync")) return;
    if (!this.#catchUp.gapToSync(this.#state.lastSeq)) return;
    this.#timers.set("gapSync", this.#timing.gapSyncDelayMs, () => {
      if (this.#state.status === "live" && this.#catchUp.gapToSync(this.#state.lastSeq))
        this.#requestSync(this.#state.lastSeq);
    });
  }

  #noteServerSeq(seq: number | undefined): void {
    if (this.#catchUp.noteServerSeq(seq)) this.#checkGap();
  }

  // ---- incoming frames ------------------------------------------------------------------------------------

  #onFrame(data: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object" || typeof frame.type !== "string") return;
    this.#apply(frame);
  }

  #apply(frame: ServerFrame): void {
    const state = this.#state;
    switch (frame.type) {
      case "snapshot": {
        const whole = this.#catchUp.receive(frame);
        if (whole) this.#onSnapshot(whole);
        break;
      }
      case "message":
        // Their message is what they were typing.
        this.#typists.stopped(frame.message.authorId);
        this.#onMessages([frame.message]);
        break;
      case "messageUpdated":
        this.#setMessages(
          updateMessage(state.messages, frame.message, (message, current) => ({
            ...message,
            reactions: this.#myReactions.resolve(
              message.messageId,
              message.reactions ?? current.reactions ?? [],
              current.reactions ?? [],
            ),
          })),
        );
        break;
      case "messageDeleted": {
        // The frame carries no time: the tombstone is stamped with when we heard of it.
        const deletedAt = new Date(this.#options.clock.now()).toISOString();
        this.#setMessages(deleteMessage(state.messages, { messageId: frame.messageId, deletedAt }));
        break;
      }
      case "reactions": {
        const held = state.messages.find((m) => m.messageId === frame.messageId);
        if (!held) break;
        const reactions = this.#myReactions.resolve(frame.messageId, frame.reactions, held.reactions ?? []);
        this.#setMessages(setReactions(state.messages, frame.messageId, reactions));
        break;
      }
      case "read": {
        const change = readFrom(state, this.#options.userId, frame);
        if (change) this.#update(change);
        break;
      }
      case "typing":
        this.#typists.typing(frame.member);
        break;
      case "todo": {
        if (this.#deletedTodos.has(frame.todo.todoId)) break;
        this.#update({ todos: upsertTodo(state.todos, frame.todo) });
        this.#continueMoves(frame.todo);
        if (this.#adds.answered(frame.clientTodoId)) this.#todoAddDone();
        break;
      }
      case "todoDeleted":
        this.#deletedTodos.add(frame.todoId);
        this.#update({ todos: removeTodo(state.todos, frame.todoId) });
        break;
      case "memberJoined":
      case "memberLeft":
      case "presence": {
        for (const userId of leftWith(frame)) this.#typists.stopped(userId);
        const change = membershipAfter(this.#state, frame);
        if (change) this.#update(change);
        break;
      }
      case "error":
        this.#onError(frame);
        break;
      case "removed":
        // Sent just before the server closes the socket of a member the owner removed: no reconnect.
        this.#socket.end("removed");
        break;
      case "pong":
        this.#noteServerSeq(frame.lastSeq);
        break;
    }
  }

  #onMessages(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const { userId } = this.#options;
    const mine = messages.filter((m) => m.authorId === userId);
    for (const message of mine) this.#sendTimers.clear(message.clientMessageId);
    this.#myReactions.heard(messages);
    const merged = mergeMessages(refreshMessages(this.#state.messages, messages), messages);
    // Sending moves one's own read position to the message (contract), so ours are never unread.
    const readSeq = Math.max(this.#state.readSeq, ...mine.map((m) => m.seq));
    this.#update({
      messages: merged,
      lastSeq: contiguousEnd(merged, this.#state.lastSeq),
      pending: settlePending(this.#state.pending, mine),
      readSeq,
    });
    this.#sendNextPending();
    this.#noteServerSeq(Math.max(...messages.map((m) => m.seq)));
    this.#checkGap();
  }

  /** A whole snapshot (parts already joined; a field missing from every part keeps what we had). */
  #onSnapshot(snapshot: SnapshotPart): void {
    const after = this.#catchUp.answered(snapshot);
    this.#timers.clear("syncRetry");
    const newestPage = after === null;
    const messages = snapshot.messages ?? [];
    const firstSnapshot = !this.#state.synced;
    // The newest page starts the run we hold; every later page continues it.
    if (newestPage) this.#update({ lastSeq: Math.max(this.#state.lastSeq, messages.at(-1)?.seq ?? 0) });
    // Held messages edited, deleted or reacted to while we were away, as they are now.
    const changes = snapshot.changes ?? [];
    this.#myReactions.heard(changes);
    this.#setMessages(refreshMessages(this.#state.messages, changes));
    this.#onMessages(messages);
    const { userId } = this.#options;
    const readSeq = snapshot.readSeq;
    const reads = othersReads(this.#state.reads, snapshot.reads ?? [], userId);
    const members = snapshot.members ?? this.#state.members;
    this.#update({
      synced: true,
      room: snapshot.room ?? this.#state.room,
      todos: snapshot.todos ? snapshotTodos(snapshot.todos, this.#deletedTodos) : this.#state.todos,
      members,
      memberCount: snapshot.memberCount ?? (snapshot.members ? members.length : this.#state.memberCount),
      readSeq: Math.max(this.#state.readSeq, readSeq ?? 0),
      reads,
      ...(firstSnapshot &&
        typeof readSeq === "number" && {
          unreadAfter: messages.some((m) => m.seq > readSeq && m.authorId !== userId) ? readSeq : null,
        }),
      ...(newestPage && {
        older: { cursor: snapshot.hasMore ? (messages[0]?.seq ?? null) : null, loading: false, error: null },
      }),
    });
    this.#noteServerSeq(snapshot.room?.lastSeq);
    if (after === undefined) return;
    const next = this.#catchUp.next({
      after,
      hasMore: snapshot.hasMore ?? false,
      lastSeq: this.#state.lastSeq,
    });
    if (next === "more") {
      this.#requestSync(this.#state.lastSeq);
      return;
    }
    if (this.#state.status !== "live") this.#goLive();
    this.#checkGap();
  }

  #onError(frame: Extract<ServerFrame, { type: "error" }>): void {
    if (frame.code === "conflict" && "todo" in frame && frame.todo) {
      this.#moves.forget(frame.todo.todoId);
      const todo = frame.todo;
      if (!this.#deletedTodos.has(todo.todoId)) this.#update({ todos: upsertTodo(this.#state.todos, todo) });
      this.#notify("info", { kind: "todoConflict", todoTitle: todo.title });
      return;
    }
    if (frame.code === "rate_limited") {
      this.#onRateLimited(frame);
      return;
    }
    if (frame.action === "sync") {
      // A room whose snapshot cannot be sent will not fit next time either: no reconnect loop.
      if (frame.code === "too_large") this.#socket.end("too_large");
      // Otherwise, without a snapshot we cannot know what we missed: start over on a fresh connection.
      else this.#socket.drop();
      return;
    }
    if (frame.action && backgroundActions.has(frame.action)) return;
    const clientMessageId = "clientMessageId" in frame ? frame.clientMessageId : undefined;
    if (frame.action === "sendMessage" || clientMessageId) {
      // The error names the message it refused; without a name it is the one on the wire (one at a time).
      // Marking it failed is safe either way: a retry reuses the clientMessageId, and a copy that did land
      // still arrives.
      const refusedIds = clientMessageId ? [clientMessageId] : sendingIds(this.#state.pending);
      for (const id of refusedIds) this.#sendTimers.clear(id);
      this.#setPendingState(refusedIds, "failed");
      this.#sendNextPending();
    }
    if (frame.action === "addTodo" && this.#adds.refused(frame.clientTodoId)) this.#todoAddDone();
    this.#notify("error", {
      kind: "refused",
      problem: problemOfFrame(frame),
      ...(frame.action && { action: frame.action }),
    });
  }

  /**
   * The server refused a frame for coming too fast: whatever the person sends is held for `retryAfterMs` and
   * sent then, the refused frame too where we can tell which it was (a message or a todo add, by its client
   * id; a sync). Background frames are simply dropped: the next one comes anyway.
   */
  #onRateLimited(frame: Extract<ServerFrame, { type: "error" }>): void {
    const waitMs = ("retryAfterMs" in frame && frame.retryAfterMs) || this.#timing.defaultRetryAfterMs;
    if (frame.action === "sync") {
      // Still waiting for this snapshot: the connect timeout starts again with the retry.
      this.#socket.pauseConnectTimeout();
      this.#timers.set("syncRetry", waitMs, () => {
        const sync = this.#catchUp.pending();
        if (!sync) return;
        this.#socket.awaitAgain();
        this.#transmit(sync);
      });
      return;
    }
    if (frame.action && backgroundActions.has(frame.action)) return;
    const clientMessageId = "clientMessageId" in frame ? frame.clientMessageId : undefined;
    const clientTodoId = "clientTodoId" in frame ? frame.clientTodoId : undefined;
    const refusedIds = clientMessageId
      ? [clientMessageId]
      : frame.action === "sendMessage"
        ? sendingIds(this.#state.pending)
        : [];
    for (const id of refusedIds) this.#sendTimers.clear(id);
    this.#setPendingState(refusedIds, "queued");
    const heldAgain = frame.action === "addTodo" && this.#adds.sendAgain(clientTodoId);
    if (heldAgain) this.#timers.clear("todoAdd");
    const known = refusedIds.length > 0 || heldAgain;
    if (known) this.#notify("info", { kind: "slowedDown", retryAfterMs: waitMs });
    else this.#notify("error", { kind: "refused", problem: problemOfFrame(frame) });
    this.#timers.set("rateLimit", waitMs, () => this.#flushHeld({ failedToo: false }));
  }

  // ---- outgoing frames ------------------------------------------------------------------------------------

  /** A todo command: refused, nothing to do, held while a `rate_limited` wait runs, or sent now. */
  #sendCommand(command: TodoCommand): SendResult {
    if (this.#socket.ended) return refused("ended");
    if (command === null) return { ok: true };
    if ("refusal" in command) return refused(command.refusal);
    if (this.#state.status !== "live") return refused("offline");
    const { frame } = command;
    if (new TextEncoder().encode(JSON.stringify(frame)).byteLength > limits.clientFrameBytes)
      return refused("tooLarge");
    if (frame.action === "addTodo") {
      this.#adds.queue(frame);
      this.#nextTodoAdd();
    } else if (this.#timers.has("rateLimit")) this.#held.hold(frame);
    else if (!this.#transmit(frame)) return refused("offline");
    return { ok: true };
  }

  /**
   * Puts the next queued todo add on the wire, if none is on it and we may send: adds go one at a time, so the
   * server places them in the order made. One whose answer never comes stops holding up the rest after
   * `sendTimeoutMs`.
   */
  #nextTodoAdd(): void {
    if (this.#state.status !== "live" || this.#timers.has("rateLimit")) return;
    const frame = this.#adds.next();
    if (!frame) return;
    if (!this.#transmit(frame)) {
      this.#adds.sendAgain(frame.clientTodoId);
      return;
    }
    this.#timers.set("todoAdd", this.#timing.sendTimeoutMs, () => this.#todoAddDone(false));
  }

  /** The add on the wire was answered (`done`), or is waited for no more (no answer came in time): the next may go. */
  #todoAddDone(done = true): void {
    if (!done) this.#adds.release();
    this.#timers.clear("todoAdd");
    this.#nextTodoAdd();
  }

  /**
   * Sends what waited for a live connection or for the end of a `rate_limited` wait: todo commands, then
   * messages (on a new connection the failed ones too: a resend is stored at most once).
   */
  #flushHeld({ failedToo }: { failedToo: boolean }): void {
    if (this.#state.status !== "live" || this.#timers.has("rateLimit")) return;
    this.#nextTodoAdd();
    for (const frame of this.#held.take()) this.#transmit(frame);
    if (failedToo)
      this.#setPendingState(
        this.#state.pending.filter((p) => p.state === "failed").map((p) => p.clientMessageId),
        "queued",
      );
    this.#sendNextPending();
  }

  #transmit(frame: ClientFrame): boolean {
    return this.#socket.send(frame);
  }

  /**
   * Puts the oldest queued message on the wire when live, not waiting out a `rate_limited`, and none is on the
   * wire yet: one at a time, so the room stores them in the order written. The next goes when the server's
   * copy of this one (or its refusal) comes back, when it times out, or, after a drop, on the next socket.
   */
  #sendNextPending(): void {
    if (this.#state.status !== "live" || this.#timers.has("rateLimit")) return;
    const pending = nextToSend(this.#state.pending);
    if (!pending) return;
    const { clientMessageId } = pending;
    if (!this.#transmit(sendMessageFrame(pending))) {
      this.#setPendingState([clientMessageId], "failed");
      return;
    }
    this.#setPendingState([clientMessageId], "sending");
    this.#sendTimers.set(clientMessageId, this.#timing.sendTimeoutMs, () => {
      this.#setPendingState([clientMessageId], "failed", "sending");
      this.#sendNextPending();
    });
  }

  // ---- plumbing -------------------------------------------------------------------------------------------

  #setMessages(messages: readonly Message[]): void {
    if (messages !== this.#state.messages) this.#update({ messages });
  }

  #setPendingState(
    ids: readonly string[],
    state: PendingMessage["state"],
    onlyFrom?: PendingMessage["state"],
  ): void {
    const pending = setPendingState(this.#state.pending, ids, state, onlyFrom);
    if (pending !== this.#state.pending) this.#update({ pending });
  }

  #notify(tone: Notice["tone"], content: NoticeContent): void {
    const notice = { ...content, id: ++this.#noticeId, tone } as Notice;
    this.#update({ notices: pushNotice(this.#state.notices, notice) });
    if (tone === "info")
      this.#options.clock.setTimeout(() => this.dismissNotice(notice.id), this.#timing.infoNoticeMs);
  }

  #update(patch: Partial<RoomState>): void {
    if (this.#socket.ended && patch.status !== "closed" && this.#state.status === "closed") return;
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener(this.#state);
  }
}
