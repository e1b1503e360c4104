import type { ClientFrame, ClientFrameOf, Message, Room, ServerFrame, Snapshot, Todo } from "@rooms/core/protocol";
import { ApiError, problemOf } from "./api-error";
import { backoffDelay, type BackoffPolicy } from "./backoff";
import type { MessagesPage } from "./http-api";
import { limits } from "./limits";
import {
  addMember,
  initialRoomState,
  lastMessageId,
  mergeMessages,
  removeMember,
  removeTodo,
  settlePending,
  snapshotTodos,
  upsertTodo,
  type EndReason,
  type Notice,
  type PendingMessage,
  type RoomState,
} from "./room-state";

/** What the connection needs from a socket. The browser adapter wraps `WebSocket`; tests pass a fake. */
export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: string): void;
  onClose(code: number, reason: string): void;
}
export interface SocketHandle {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type OpenSocket = (url: string, handlers: SocketHandlers) => SocketHandle;

export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ConnectionTiming {
  backoff: BackoffPolicy;
  /** API Gateway closes a connection idle for 10 minutes; a ping every 5 keeps it open. */
  pingEveryMs: number;
  /** No frame at all this long after a ping means the socket is dead even if it looks open. */
  pongTimeoutMs: number;
  /** From opening the socket to holding a snapshot; beyond it we try again. */
  connectTimeoutMs: number;
  /** API Gateway ends every connection after 2 hours; we move to a fresh one before that. */
  maxConnectionAgeMs: number;
  /** A sent message whose copy has not come back by then is shown as failed (it can be retried safely). */
  sendTimeoutMs: number;
  /** A connection that stayed live this long resets the backoff, so one flaky hour doesn't slow the next drop. */
  stableAfterMs: number;
  /** Info notices disappear after this long; errors stay until dismissed. */
  infoNoticeMs: number;
  /**
   * A catch-up sync starts before every message received in this window. Message ids are assigned before the
   * write and broadcasts race each other, so a message can arrive ahead of an earlier-stored one whose
   * broadcast never made it before the drop; re-reading the last seconds (deduplicated) keeps it from being lost.
   */
  catchUpOverlapMs: number;
}

export const defaultTiming: ConnectionTiming = {
  backoff: { baseMs: 500, capMs: 30_000 },
  pingEveryMs: 5 * 60_000,
  pongTimeoutMs: 20_000,
  connectTimeoutMs: 15_000,
  maxConnectionAgeMs: 110 * 60_000,
  sendTimeoutMs: 15_000,
  stableAfterMs: 10_000,
  infoNoticeMs: 8_000,
  catchUpOverlapMs: 10_000,
};

export interface RoomConnectionOptions {
  wsUrl: string;
  roomId: string;
  /** Our display name, shown on pending messages (the server takes the real one from the ticket). */
  name: string;
  /**
   * A fresh single-use ticket for one connect (POST /rooms/{id}/tickets), asked for before every connect and
   * reconnect. A rejection with an ApiError of status 401, 403 or 404 ends the connection for good (signed
   * out, removed, not found); any other failure is retried like a dropped socket.
   */
  getTicket: (roomId: string) => PromiseLike<string>;
  openSocket: OpenSocket;
  /** Older history over HTTP (GET /rooms/{id}/messages?before=). */
  fetchOlder: (input: { roomId: string; before: string }) => Promise<MessagesPage>;
  clock: Clock;
  random: () => number;
  newClientId: () => string;
  timing?: Partial<ConnectionTiming>;
}

/**
 * Why a command was not sent, as a code (views word it): `offline` (not live right now), `ended` (the
 * connection is closed for good), `empty` / `tooLong` (message text), `todoTitleMissing` / `todoTitleTooLong`,
 * `tooLarge` (the frame would exceed API Gateway's 32 KB).
 */
export type Refusal = "offline" | "ended" | "empty" | "tooLong" | "todoTitleMissing" | "todoTitleTooLong" | "tooLarge";
export type SendResult = { ok: true } | { ok: false; refusal: Refusal };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const refused = (refusal: Refusal): SendResult => ({ ok: false, refusal });
const MAX_NOTICES = 3;

/** Ticket answers that end the connection instead of being retried. */
const endingTicketStatus: Record<number, EndReason> = { 401: "signed_out", 403: "removed", 404: "not_found" };

type Timer = "connect" | "ping" | "pong" | "maxAge" | "reconnect";

/**
 * One person's live connection to one room: the WebSocket lifecycle (connect, sync, ping, reconnect with
 * backoff, proactive refresh before API Gateway's 2-hour limit) and the room state it feeds. Plain TypeScript:
 * socket, clock and randomness come in as options, so tests drive it step by step.
 */
export class RoomConnection {
  #state: RoomState = initialRoomState();
  readonly #listeners = new Set<(state: RoomState) => void>();
  readonly #options: RoomConnectionOptions;
  readonly #timing: ConnectionTiming;
  readonly #timers = new Map<Timer, unknown>();
  readonly #sendTimers = new Map<string, unknown>();
  readonly #deletedTodos = new Set<string>();
  /** When recently held messages arrived (only those inside the catch-up overlap window). */
  readonly #recentlyReceived = new Map<string, number>();
  #socket: SocketHandle | null = null;
  #socketOpen = false;
  /** Bumped per socket so events from a socket we already left are ignored. */
  #generation = 0;
  #attempt = 0;
  #liveSince: number | null = null;
  /** The `after` of the sync we are waiting for: undefined = none in flight, null = newest page. */
  #syncAfter: string | null | undefined = undefined;
  #started = false;
  #stopped = false;
  #noticeId = 0;

  constructor(options: RoomConnectionOptions) {
    this.#options = options;
    this.#timing = { ...defaultTiming, ...options.timing };
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
    this.#open();
  }

  /** Leaves the room for good: closes the socket and every timer. */
  stop(): void {
    this.#end("stopped");
  }

  /** Skips the rest of a backoff wait (the browser says it is online again, say). */
  reconnectNow(): void {
    if (this.#stopped || !this.#timers.has("reconnect")) return;
    this.#clearTimer("reconnect");
    this.#open();
  }

  /** What the room looked like over HTTP, shown until the first snapshot arrives. */
  seed({ room, todos }: { room: Room; todos: Todo[] }): void {
    if (this.#state.synced) return;
    this.#update({ room, todos: snapshotTodos(todos, this.#deletedTodos) });
  }

  // ---- messages -------------------------------------------------------------------------------------------

  /** Shows the message at once as pending and sends it when the room is live. */
  sendMessage(text: string): SendResult {
    if (this.#stopped) return refused("ended");
    if (text.trim().length === 0) return refused("empty");
    if (text.length > limits.messageText) return refused("tooLong");
    const pending: PendingMessage = {
      clientMessageId: this.#options.newClientId(),
      text,
      author: this.#options.name,
      createdAt: new Date(this.#options.clock.now()).toISOString(),
      state: "queued",
    };
    this.#update({ pending: [...this.#state.pending, pending] });
    if (this.#state.status === "live") this.#transmitPending(pending.clientMessageId);
    return { ok: true };
  }

  /** Sends a failed message again with the same clientMessageId, so the server stores it at most once. */
  retryMessage(clientMessageId: string): void {
    const pending = this.#state.pending.find((p) => p.clientMessageId === clientMessageId);
    if (!pending || pending.state === "sending") return;
    this.#setPendingState([clientMessageId], "queued");
    if (this.#state.status === "live") this.#transmitPending(clientMessageId);
  }

  /** Forgets a failed message. (If a copy already reached the server it still shows up when it arrives.) */
  discardMessage(clientMessageId: string): void {
    this.#clearSendTimer(clientMessageId);
    this.#update({ pending: this.#state.pending.filter((p) => p.clientMessageId !== clientMessageId) });
  }

  /** Loads the page of history before the oldest message held. */
  async loadOlder(): Promise<void> {
    const { cursor, loading } = this.#state.older;
    if (!cursor || loading) return;
    this.#update({ older: { cursor, loading: true, error: null } });
    try {
      const page = await this.#options.fetchOlder({ roomId: this.#options.roomId, before: cursor });
      this.#update({
        messages: mergeMessages(this.#state.messages, page.messages),
        pending: settlePending(this.#state.pending, page.messages),
        older: { cursor: page.cursor, loading: false, error: null },
      });
    } catch (error) {
      this.#update({ older: { cursor, loading: false, error: problemOf(error) } });
    }
  }

  // ---- todos ----------------------------------------------------------------------------------------------

  addTodo(title: string): SendResult {
    const trimmed = title.trim();
    if (!trimmed) return refused("todoTitleMissing");
    if (trimmed.length > limits.todoTitle) return refused("todoTitleTooLong");
    return this.#sendIfLive({ action: "addTodo", title: trimmed, clientTodoId: this.#options.newClientId() });
  }

  /** Changes a todo at the version shown; if someone changed it first, the server's copy replaces ours. */
  updateTodo(todo: Todo, changes: { title?: string; done?: boolean }): SendResult {
    const title = changes.title?.trim();
    if (title !== undefined && !title) return refused("todoTitleMissing");
    if (title !== undefined && title.length > limits.todoTitle) return refused("todoTitleTooLong");
    const frame: ClientFrameOf<"updateTodo"> = { action: "updateTodo", todoId: todo.todoId, version: todo.version };
    if (title !== undefined && title !== todo.title) frame.title = title;
    if (changes.done !== undefined && changes.done !== todo.done) frame.done = changes.done;
    if (frame.title === undefined && frame.done === undefined) return { ok: true };
    return this.#sendIfLive(frame);
  }

  deleteTodo(todoId: string): SendResult {
    return this.#sendIfLive({ action: "deleteTodo", todoId });
  }

  dismissNotice(id: number): void {
    if (this.#state.notices.some((n) => n.id === id)) this.#update({ notices: this.#state.notices.filter((n) => n.id !== id) });
  }

  // ---- socket lifecycle -----------------------------------------------------------------------------------

  /**
   * One connect attempt: a fresh ticket, then the socket. The connect timeout covers both, so a ticket request
   * that hangs is abandoned like a handshake that does; its late answer is ignored (the generation moved on).
   */
  #open(): void {
    if (this.#stopped) return;
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && !this.#stopped;
    this.#update({ status: this.#state.synced || this.#attempt > 0 ? "reconnecting" : "connecting", retryAt: null });
    this.#socketOpen = false;
    this.#setTimer("connect", this.#timing.connectTimeoutMs, () => this.#drop());
    this.#options.getTicket(this.#options.roomId).then(
      (ticket) => {
        if (!current()) return;
        const url = `${this.#options.wsUrl}?${new URLSearchParams({ ticket })}`;
        this.#socket = this.#options.openSocket(url, {
          onOpen: () => current() && this.#onOpen(),
          onMessage: (data) => current() && this.#onFrame(data),
          onClose: (code) => current() && this.#onClose(code),
        });
      },
      (error: unknown) => {
        if (!current()) return;
        const ending = error instanceof ApiError ? endingTicketStatus[error.status] : undefined;
        if (ending) return this.#end(ending);
        this.#drop({ atLeastMs: error instanceof ApiError ? error.retryAfterMs : undefined });
      },
    );
  }

  /** Closes the connection for good (no reconnect, every timer cleared) and says why in `ended`. */
  #end(reason: EndReason): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#generation++;
    for (const handle of this.#timers.values()) this.#options.clock.clearTimeout(handle);
    for (const handle of this.#sendTimers.values()) this.#options.clock.clearTimeout(handle);
    this.#timers.clear();
    this.#sendTimers.clear();
    this.#closeSocket(1000, reason === "stopped" ? "left the room" : reason);
    this.#update({ status: "closed", retryAt: null, ended: reason });
  }

  #onOpen(): void {
    this.#socketOpen = true;
    this.#schedulePing();
    this.#setTimer("maxAge", this.#timing.maxConnectionAgeMs, () => this.#drop({ immediately: true }));
    this.#requestSync(this.#catchUpFrom());
  }

  /**
   * Where a catch-up sync starts: the newest message held, or, if messages arrived within the overlap window,
   * the one just before the earliest of them (see `catchUpOverlapMs`). Null: nothing held, read the newest page.
   */
  #catchUpFrom(): string | null {
    const { messages } = this.#state;
    this.#forgetOldArrivals();
    if (this.#recentlyReceived.size === 0) return lastMessageId(messages) ?? null;
    const earliest = [...this.#recentlyReceived.keys()].reduce((a, b) => (a < b ? a : b));
    const index = messages.findIndex((m) => m.messageId === earliest);
    return messages[Math.max(0, index - 1)]?.messageId ?? lastMessageId(messages) ?? null;
  }

  #onClose(code: number): void {
    this.#socket = null;
    if (code === 1009) this.#notify("error", { kind: "frameTooLarge" });
    this.#drop();
  }

  /**
   * Leaves the current socket and schedules the next one: right away when refreshing a healthy connection,
   * otherwise after a full-jitter backoff. Messages on the wire go back to the queue to be resent.
   */
  #drop({ immediately = false, atLeastMs = 0 }: { immediately?: boolean; atLeastMs?: number | undefined } = {}): void {
    if (this.#stopped) return;
    const { clock } = this.#options;
    if (this.#liveSince !== null && clock.now() - this.#liveSince >= this.#timing.stableAfterMs) this.#attempt = 0;
    this.#liveSince = null;
    this.#syncAfter = undefined;
    this.#generation++;
    this.#closeSocket(4000, immediately ? "refresh" : "reconnect");
    for (const timer of ["connect", "ping", "pong", "maxAge"] as const) this.#clearTimer(timer);
    const sending = this.#state.pending.filter((p) => p.state === "sending").map((p) => p.clientMessageId);
    for (const id of sending) this.#clearSendTimer(id);
    const delay = immediately ? 0 : Math.max(atLeastMs ?? 0, backoffDelay(this.#attempt, this.#timing.backoff, this.#options.random));
    if (!immediately) this.#attempt++;
    this.#update({
      status: "reconnecting",
      retryAt: clock.now() + delay,
      pending: this.#state.pending.map((p) => (p.state === "sending" ? { ...p, state: "queued" } : p)),
    });
    this.#setTimer("reconnect", delay, () => this.#open());
  }

  #closeSocket(code: number, reason: string): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#socketOpen = false;
    try {
      socket?.close(code, reason);
    } catch {
      // Already closed or never opened: nothing to release.
    }
  }

  #schedulePing(): void {
    this.#setTimer("ping", this.#timing.pingEveryMs, () => {
      this.#transmit({ action: "ping" });
      this.#setTimer("pong", this.#timing.pongTimeoutMs, () => this.#drop());
      this.#schedulePing();
    });
  }

  #requestSync(after: string | null): void {
    this.#syncAfter = after;
    this.#transmit(after ? { action: "sync", after } : { action: "sync" });
  }

  #goLive(): void {
    this.#clearTimer("connect");
    this.#liveSince = this.#options.clock.now();
    this.#update({ status: "live", retryAt: null });
    for (const pending of this.#state.pending) this.#transmitPending(pending.clientMessageId);
  }

  // ---- incoming frames ------------------------------------------------------------------------------------

  #onFrame(data: string): void {
    this.#clearTimer("pong");
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data) as ServerFrame;
    } catch {
      return;
    }
    if (!frame || typeof frame !== "object" || typeof frame.type !== "string") return;
    switch (frame.type) {
      case "snapshot":
        return this.#onSnapshot(frame);
      case "message":
        return this.#onMessages([frame.message]);
      case "todo":
        if (this.#deletedTodos.has(frame.todo.todoId)) return;
        return this.#update({ todos: upsertTodo(this.#state.todos, frame.todo) });
      case "todoDeleted":
        this.#deletedTodos.add(frame.todoId);
        return this.#update({ todos: removeTodo(this.#state.todos, frame.todoId) });
      case "memberJoined":
        return this.#update({ members: addMember(this.#state.members, frame.member) });
      case "memberLeft":
        return this.#update({ members: removeMember(this.#state.members, frame.member) });
      case "error":
        return this.#onError(frame);
      case "removed":
        // Sent just before the server closes the socket of a member the owner removed: no reconnect.
        return this.#end("removed");
      case "pong":
        return;
    }
  }

  /** Entries are inserted in arrival order, so the stale ones are at the front. */
  #forgetOldArrivals(): void {
    const cutoff = this.#options.clock.now() - this.#timing.catchUpOverlapMs;
    for (const [messageId, at] of this.#recentlyReceived) {
      if (at >= cutoff) break;
      this.#recentlyReceived.delete(messageId);
    }
  }

  #onMessages(messages: readonly Message[]): void {
    for (const message of messages) this.#clearSendTimer(message.clientMessageId);
    const merged = mergeMessages(this.#state.messages, messages);
    if (merged !== this.#state.messages) {
      this.#forgetOldArrivals();
      const held = new Set(this.#state.messages.map((m) => m.messageId));
      const now = this.#options.clock.now();
      for (const { messageId } of messages) if (!held.has(messageId)) this.#recentlyReceived.set(messageId, now);
    }
    this.#update({
      messages: merged,
      pending: settlePending(this.#state.pending, messages),
    });
  }

  #onSnapshot(snapshot: Snapshot): void {
    const after = this.#syncAfter;
    this.#syncAfter = undefined;
    const newestPage = after === null;
    this.#onMessages(snapshot.messages);
    this.#update({
      synced: true,
      room: snapshot.room,
      todos: snapshotTodos(snapshot.todos, this.#deletedTodos),
      members: snapshot.members,
      ...(newestPage && {
        older: { cursor: snapshot.hasMore ? (snapshot.messages[0]?.messageId ?? null) : null, loading: false, error: null },
      }),
    });
    if (after === undefined || this.#state.status === "live") return;
    // A catch-up page with more behind it: continue from the last message of that page, not from a newer
    // live message that may have overtaken it.
    const pageEnd = snapshot.messages.at(-1)?.messageId;
    if (!newestPage && snapshot.hasMore && pageEnd) this.#requestSync(pageEnd);
    else this.#goLive();
  }

  #onError(frame: Extract<ServerFrame, { type: "error" }>): void {
    if (frame.code === "conflict" && "todo" in frame && frame.todo) {
      const todo = frame.todo;
      if (!this.#deletedTodos.has(todo.todoId)) this.#update({ todos: upsertTodo(this.#state.todos, todo) });
      this.#notify("info", { kind: "todoConflict", todoTitle: todo.title });
      return;
    }
    if (frame.action === "sync") {
      // Without a snapshot we cannot know what we missed: start over on a fresh connection.
      this.#drop();
      return;
    }
    if (frame.action === "sendMessage") {
      // Error frames carry no clientMessageId: every message on the wire may be the one refused. Marking them
      // all failed is safe, since a retry reuses the clientMessageId and a copy that did land still arrives.
      const sending = this.#state.pending.filter((p) => p.state === "sending").map((p) => p.clientMessageId);
      for (const id of sending) this.#clearSendTimer(id);
      this.#setPendingState(sending, "failed");
    }
    this.#notify("error", { kind: "refused", problem: { code: frame.code, message: frame.message, ...("issues" in frame && frame.issues && { issues: frame.issues }) } });
  }

  // ---- outgoing frames ------------------------------------------------------------------------------------

  #sendIfLive(frame: ClientFrame): SendResult {
    if (this.#stopped) return refused("ended");
    if (this.#state.status !== "live") return refused("offline");
    return this.#transmit(frame) ? { ok: true } : refused("tooLarge");
  }

  /** Writes one frame if the socket is open and the frame fits API Gateway's limit. */
  #transmit(frame: ClientFrame): boolean {
    const data = JSON.stringify(frame);
    if (new TextEncoder().encode(data).byteLength > limits.clientFrameBytes) return false;
    if (!this.#socket || !this.#socketOpen) return false;
    try {
      this.#socket.send(data);
      return true;
    } catch {
      return false;
    }
  }

  #transmitPending(clientMessageId: string): void {
    const pending = this.#state.pending.find((p) => p.clientMessageId === clientMessageId);
    if (!pending) return;
    if (!this.#transmit({ action: "sendMessage", text: pending.text, clientMessageId })) {
      this.#setPendingState([clientMessageId], "failed");
      return;
    }
    this.#setPendingState([clientMessageId], "sending");
    this.#clearSendTimer(clientMessageId);
    this.#sendTimers.set(
      clientMessageId,
      this.#options.clock.setTimeout(() => {
        this.#sendTimers.delete(clientMessageId);
        this.#setPendingState([clientMessageId], "failed", "sending");
      }, this.#timing.sendTimeoutMs),
    );
  }

  // ---- plumbing -------------------------------------------------------------------------------------------

  #setPendingState(ids: readonly string[], state: PendingMessage["state"], onlyFrom?: PendingMessage["state"]): void {
    if (ids.length === 0) return;
    const wanted = new Set(ids);
    let changed = false;
    const pending = this.#state.pending.map((p) => {
      if (!wanted.has(p.clientMessageId) || p.state === state || (onlyFrom && p.state !== onlyFrom)) return p;
      changed = true;
      return { ...p, state };
    });
    if (changed) this.#update({ pending });
  }

  #notify(tone: Notice["tone"], content: DistributiveOmit<Notice, "id" | "tone">): void {
    const notice = { ...content, id: ++this.#noticeId, tone } as Notice;
    this.#update({ notices: [...this.#state.notices, notice].slice(-MAX_NOTICES) });
    if (tone === "info") this.#options.clock.setTimeout(() => this.dismissNotice(notice.id), this.#timing.infoNoticeMs);
  }

  #setTimer(name: Timer, ms: number, run: () => void): void {
    this.#clearTimer(name);
    const handle = this.#options.clock.setTimeout(() => {
      this.#timers.delete(name);
      run();
    }, ms);
    this.#timers.set(name, handle);
  }

  #clearTimer(name: Timer): void {
    const handle = this.#timers.get(name);
    if (handle === undefined) return;
    this.#options.clock.clearTimeout(handle);
    this.#timers.delete(name);
  }

  #clearSendTimer(clientMessageId: string): void {
    const handle = this.#sendTimers.get(clientMessageId);
    if (handle === undefined) return;
    this.#options.clock.clearTimeout(handle);
    this.#sendTimers.delete(clientMessageId);
  }

  #update(patch: Partial<RoomState>): void {
    if (this.#stopped && patch.status !== "closed" && this.#state.status === "closed") return;
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener(this.#state);
  }
}
