import { ApiError, problemOf } from "./api-error";
import { type BackoffPolicy, backoffDelay } from "./backoff";
import type { MessagesPage } from "./http-api";
import { limits } from "./limits";
import type {
  ClientFrame,
  ClientFrameOf,
  Member,
  Message,
  Room,
  ServerFrame,
  SnapshotPart,
  Todo,
} from "./protocol";
import {
  addMember,
  advanceRead,
  contiguousEnd,
  type EndReason,
  initialRoomState,
  joinSnapshotParts,
  mergeMessages,
  type Notice,
  type PendingMessage,
  type RoomState,
  removeMember,
  removeTodo,
  settlePending,
  snapshotTodos,
  upsertTodo,
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
   * Seeing a seq beyond a hole (a message, or a pong's `lastSeq`) waits this long for the missing messages to
   * arrive live before syncing exactly that range: broadcasts of neighbouring messages race each other, so a
   * hole is usually filled a moment later, and a sync answers with the room's todos and members too.
   */
  gapSyncDelayMs: number;
  /** `markRead` is sent at most this often, for the newest message seen by then. */
  markReadDelayMs: number;
  /**
   * `typing` is sent at most this often while the person types. The server forwards one per 3 s per connection
   * and drops the rest, so this is a little more, for network jitter not to get one dropped.
   */
  typingEveryMs: number;
  /** Someone shows as typing for this long after their last `typing` frame. */
  typingShownMs: number;
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
  gapSyncDelayMs: 1_000,
  markReadDelayMs: 1_000,
  typingEveryMs: 3_250,
  typingShownMs: 5_000,
};

export interface RoomConnectionOptions {
  wsUrl: string;
  roomId: string;
  /** Our display name, shown on pending messages (the server takes the real one from the ticket). */
  name: string;
  /** Our userId: which messages are ours (they settle pending ones and are never unread) and which reads are others'. */
  userId: string;
  /**
   * A fresh single-use ticket for one connect (POST /rooms/{id}/tickets), asked for before every connect and
   * reconnect. A rejection with an ApiError of status 401, 403 or 404 ends the connection for good (signed
   * out, removed, not found); any other failure is retried like a dropped socket.
   */
  getTicket: (roomId: string) => PromiseLike<string>;
  openSocket: OpenSocket;
  /** Older history over HTTP (GET /rooms/{id}/messages?before=<seq>). */
  fetchOlder: (input: { roomId: string; before: number }) => Promise<MessagesPage>;
  clock: Clock;
  random: () => number;
  newClientId: () => string;
  timing?: Partial<ConnectionTiming>;
}

/**
 * Why a command was not sent, as a code (views word it): `offline` (not live right now), `ended` (the
 * connection is closed for good), `empty` / `tooLong` (message text), `tooManyMentions` (over the contract's
 * 20), `todoTitleMissing` / `todoTitleTooLong`, `tooLarge` (the frame would exceed API Gateway's 32 KB).
 */
export type Refusal =
  | "offline"
  | "ended"
  | "empty"
  | "tooLong"
  | "tooManyMentions"
  | "todoTitleMissing"
  | "todoTitleTooLong"
  | "tooLarge";
export type SendResult = { ok: true } | { ok: false; refusal: Refusal };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const refused = (refusal: Refusal): SendResult => ({ ok: false, refusal });
const MAX_NOTICES = 3;

/** Ticket answers that end the connection instead of being retried. */
const endingTicketStatus: Record<number, EndReason> = { 401: "signed_out", 403: "removed", 404: "not_found" };

type Timer = "connect" | "ping" | "pong" | "maxAge" | "reconnect" | "gapSync" | "markRead" | "typing";

/** Frames sent in the background: a refusal of one is nothing the person could act on. */
const backgroundActions = new Set(["ping", "typing", "markRead"]);

/**
 * One person's live connection to one room: the WebSocket lifecycle (connect, sync, ping, reconnect with
 * backoff, proactive refresh before API Gateway's 2-hour limit) and the room state it feeds. Plain TypeScript:
 * socket, clock and randomness come in as options, so tests drive it step by step.
 *
 * Messages are kept in `seq` order, and `state.lastSeq` is the end of the run held without a hole. Anything
 * that shows the server has more (a message beyond the hole, a pong's or snapshot's `lastSeq`) leads to one
 * `sync {afterSeq: lastSeq}`, repeated while `hasMore`; a reconnect catches up the same way.
 */
export class RoomConnection {
  #state: RoomState = initialRoomState();
  readonly #listeners = new Set<(state: RoomState) => void>();
  readonly #options: RoomConnectionOptions;
  readonly #timing: ConnectionTiming;
  readonly #timers = new Map<Timer, unknown>();
  readonly #sendTimers = new Map<string, unknown>();
  readonly #deletedTodos = new Set<string>();
  /** Per typing userId: when they stop showing as typing. */
  readonly #typingTimers = new Map<string, unknown>();
  #socket: SocketHandle | null = null;
  #socketOpen = false;
  /** Bumped per socket so events from a socket we already left are ignored. */
  #generation = 0;
  #attempt = 0;
  #liveSince: number | null = null;
  /** The `afterSeq` of the sync we are waiting for: undefined = none in flight, null = newest page. */
  #syncAfter: number | null | undefined = undefined;
  /** The parts of a snapshot sent in several frames, until the one marked `last`. */
  #snapshotParts: SnapshotPart[] = [];
  /** The highest seq the server has shown us exists (held messages, pong, snapshot). */
  #serverSeq = 0;
  /** A gap sync that brought nothing new stops gap syncs until a higher seq shows up (no loop on a bad server). */
  #gapGaveUpAt = -1;
  /** The newest seq seen on screen and waiting to be sent as `markRead`. */
  #readWanted = 0;
  #typingSentAt: number | null = null;
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

  /** Shows the message at once as pending and sends it when the room is live. `mentions`: userIds picked. */
  sendMessage(text: string, { mentions = [] }: { mentions?: readonly string[] } = {}): SendResult {
    if (this.#stopped) return refused("ended");
    if (text.trim().length === 0) return refused("empty");
    if (text.length > limits.messageText) return refused("tooLong");
    const mentioned = [...new Set(mentions)];
    if (mentioned.length > limits.mentions) return refused("tooManyMentions");
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
    this.#clearTimer("typing");
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
    if (cursor === null || loading) return;
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
    const frame: ClientFrameOf<"updateTodo"> = {
      action: "updateTodo",
      todoId: todo.todoId,
      version: todo.version,
    };
    if (title !== undefined && title !== todo.title) frame.title = title;
    if (changes.done !== undefined && changes.done !== todo.done) frame.done = changes.done;
    if (frame.title === undefined && frame.done === undefined) return { ok: true };
    return this.#sendIfLive(frame);
  }

  deleteTodo(todoId: string): SendResult {
    return this.#sendIfLive({ action: "deleteTodo", todoId });
  }

  // ---- attention ------------------------------------------------------------------------------------------

  /**
   * The person has seen every message up to `seq` (the view calls this when the newest message is on screen).
   * Sent as `markRead` at most once per `markReadDelayMs`, only forward, and only while live (else when live).
   */
  markRead(seq: number): void {
    if (this.#stopped || !Number.isInteger(seq) || seq <= Math.max(this.#state.readSeq, this.#readWanted))
      return;
    this.#readWanted = seq;
    if (!this.#timers.has("markRead"))
      this.#setTimer("markRead", this.#timing.markReadDelayMs, () => this.#flushRead());
  }

  /**
   * The person is typing: tells the room at once, then at most once per `typingEveryMs`. Typing during the wait
   * is told when it ends (else a short message typed just after the last would never show); sending a message
   * cancels that.
   */
  typing(): void {
    if (this.#stopped || this.#state.status !== "live") return;
    const wait =
      this.#typingSentAt === null
        ? 0
        : this.#typingSentAt + this.#timing.typingEveryMs - this.#options.clock.now();
    if (wait <= 0) return this.#sendTyping();
    if (!this.#timers.has("typing")) this.#setTimer("typing", wait, () => this.#sendTyping());
  }

  #sendTyping(): void {
    this.#clearTimer("typing");
    if (this.#state.status === "live" && this.#transmit({ action: "typing" }))
      this.#typingSentAt = this.#options.clock.now();
  }

  dismissNotice(id: number): void {
    if (this.#state.notices.some((n) => n.id === id))
      this.#update({ notices: this.#state.notices.filter((n) => n.id !== id) });
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
    this.#update({
      status: this.#state.synced || this.#attempt > 0 ? "reconnecting" : "connecting",
      retryAt: null,
    });
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
    // What was seen but not yet reported still counts: leaving the room right after reading is common.
    if (reason === "stopped" && this.#state.status === "live" && this.#readWanted > this.#state.readSeq) {
      this.#transmit({ action: "markRead", seq: this.#readWanted });
    }
    this.#stopped = true;
    this.#generation++;
    for (const handle of [
      ...this.#timers.values(),
      ...this.#sendTimers.values(),
      ...this.#typingTimers.values(),
    ]) {
      this.#options.clock.clearTimeout(handle);
    }
    this.#timers.clear();
    this.#sendTimers.clear();
    this.#typingTimers.clear();
    this.#closeSocket(1000, reason === "stopped" ? "left the room" : reason);
    this.#update({ status: "closed", retryAt: null, ended: reason });
  }

  #onOpen(): void {
    this.#socketOpen = true;
    this.#schedulePing();
    this.#setTimer("maxAge", this.#timing.maxConnectionAgeMs, () => this.#drop({ immediately: true }));
    // Seqs have no gaps, so the end of the run held is exactly where what we missed begins.
    this.#requestSync(this.#state.synced ? this.#state.lastSeq : null);
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
  #drop({
    immediately = false,
    atLeastMs = 0,
  }: {
    immediately?: boolean;
    atLeastMs?: number | undefined;
  } = {}): void {
    if (this.#stopped) return;
    const { clock } = this.#options;
    if (this.#liveSince !== null && clock.now() - this.#liveSince >= this.#timing.stableAfterMs)
      this.#attempt = 0;
    this.#liveSince = null;
    this.#syncAfter = undefined;
    this.#snapshotParts = [];
    this.#gapGaveUpAt = -1;
    this.#typingSentAt = null;
    this.#generation++;
    this.#closeSocket(4000, immediately ? "refresh" : "reconnect");
    for (const timer of ["connect", "ping", "pong", "maxAge", "gapSync", "typing"] as const)
      this.#clearTimer(timer);
    const sending = this.#state.pending.filter((p) => p.state === "sending").map((p) => p.clientMessageId);
    for (const id of sending) this.#clearSendTimer(id);
    const delay = immediately
      ? 0
      : Math.max(atLeastMs ?? 0, backoffDelay(this.#attempt, this.#timing.backoff, this.#options.random));
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

  /** `afterSeq` null: the newest page. */
  #requestSync(afterSeq: number | null): void {
    this.#syncAfter = afterSeq;
    this.#clearTimer("gapSync");
    this.#transmit(afterSeq === null ? { action: "sync" } : { action: "sync", afterSeq });
  }

  #goLive(): void {
    this.#clearTimer("connect");
    this.#liveSince = this.#options.clock.now();
    this.#update({ status: "live", retryAt: null });
    for (const pending of this.#state.pending) this.#transmitPending(pending.clientMessageId);
    if (this.#readWanted > this.#state.readSeq && !this.#timers.has("markRead")) this.#flushRead();
  }

  /** Sends the newest read position waiting, if it moves ours forward and we are live (else `#goLive` retries). */
  #flushRead(): void {
    const seq = this.#readWanted;
    if (seq <= this.#state.readSeq || this.#state.status !== "live") return;
    if (this.#transmit({ action: "markRead", seq })) this.#update({ readSeq: seq });
  }

  // ---- gaps -----------------------------------------------------------------------------------------------

  /** The server has (at least) messages up to `seq`. */
  #noteServerSeq(seq: number | undefined): void {
    if (typeof seq !== "number" || !Number.isInteger(seq) || seq <= this.#serverSeq) return;
    this.#serverSeq = seq;
    this.#checkGap();
  }

  /**
   * If the server has messages past the run we hold, syncs exactly that range after `gapSyncDelayMs` (unless
   * they arrive live meanwhile). Only while live and with no sync on its way: a catch-up covers it otherwise.
   */
  #checkGap(): void {
    if (this.#serverSeq <= this.#state.lastSeq) return this.#clearTimer("gapSync");
    if (this.#state.status !== "live" || this.#syncAfter !== undefined || this.#timers.has("gapSync")) return;
    if (this.#serverSeq <= this.#gapGaveUpAt) return;
    this.#setTimer("gapSync", this.#timing.gapSyncDelayMs, () => {
      if (
        this.#state.status === "live" &&
        this.#syncAfter === undefined &&
        this.#serverSeq > this.#state.lastSeq
      ) {
        this.#requestSync(this.#state.lastSeq);
      }
    });
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
        return this.#onSnapshotFrame(frame);
      case "message":
        // Their message is what they were typing.
        this.#stopTyping(frame.message.authorId);
        return this.#onMessages([frame.message]);
      case "read":
        return this.#onRead(frame.userId, frame.seq);
      case "typing":
        return this.#onTyping(frame.member);
      case "todo":
        if (this.#deletedTodos.has(frame.todo.todoId)) return;
        return this.#update({ todos: upsertTodo(this.#state.todos, frame.todo) });
      case "todoDeleted":
        this.#deletedTodos.add(frame.todoId);
        return this.#update({ todos: removeTodo(this.#state.todos, frame.todoId) });
      case "memberJoined":
        return this.#update({ members: addMember(this.#state.members, frame.member) });
      case "memberLeft":
        this.#stopTyping(frame.member.userId);
        return this.#update({ members: removeMember(this.#state.members, frame.member) });
      case "error":
        return this.#onError(frame);
      case "removed":
        // Sent just before the server closes the socket of a member the owner removed: no reconnect.
        return this.#end("removed");
      case "pong":
        return this.#noteServerSeq(frame.lastSeq);
    }
  }

  #onMessages(messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const { userId } = this.#options;
    const mine = messages.filter((m) => m.authorId === userId);
    for (const message of mine) this.#clearSendTimer(message.clientMessageId);
    const merged = mergeMessages(this.#state.messages, messages);
    // Sending moves one's own read position to the message (contract), so ours are never unread.
    const readSeq = Math.max(this.#state.readSeq, ...mine.map((m) => m.seq));
    this.#update({
      messages: merged,
      lastSeq: contiguousEnd(merged, this.#state.lastSeq),
      pending: settlePending(this.#state.pending, mine),
      readSeq,
    });
    this.#noteServerSeq(Math.max(...messages.map((m) => m.seq)));
    this.#checkGap();
  }

  #onSnapshotFrame(frame: SnapshotPart): void {
    if (frame.part === undefined) return this.#onSnapshot(frame);
    if (frame.part === 1) this.#snapshotParts = [];
    this.#snapshotParts.push(frame);
    if (!frame.last) return;
    const whole = joinSnapshotParts(this.#snapshotParts);
    this.#snapshotParts = [];
    this.#onSnapshot(whole);
  }

  /** A whole snapshot (parts already joined; a field missing from every part keeps what we had). */
  #onSnapshot(snapshot: SnapshotPart): void {
    const after = this.#syncAfter;
    this.#syncAfter = undefined;
    const newestPage = after === null;
    const messages = snapshot.messages ?? [];
    const firstSnapshot = !this.#state.synced;
    // The newest page starts the run we hold; every later page continues it.
    if (newestPage) this.#update({ lastSeq: Math.max(this.#state.lastSeq, messages.at(-1)?.seq ?? 0) });
    this.#onMessages(messages);
    const { userId } = this.#options;
    const readSeq = snapshot.readSeq;
    let reads = this.#state.reads;
    for (const read of snapshot.reads ?? []) if (read.userId !== userId) reads = advanceRead(reads, read);
    this.#update({
      synced: true,
      room: snapshot.room ?? this.#state.room,
      todos: snapshot.todos ? snapshotTodos(snapshot.todos, this.#deletedTodos) : this.#state.todos,
      members: snapshot.members ?? this.#state.members,
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
    if (!newestPage && snapshot.hasMore && this.#state.lastSeq > after)
      return this.#requestSync(this.#state.lastSeq);
    // Nothing more, or a page that moved us no further (a server in trouble): settle, and don't ask again for
    // the same range until something newer shows up.
    if (!newestPage && this.#state.lastSeq === after && this.#serverSeq > after)
      this.#gapGaveUpAt = this.#serverSeq;
    if (this.#state.status !== "live") this.#goLive();
    this.#checkGap();
  }

  /** Someone's read position moved: another member's (for "Seen by") or ours, from another tab. */
  #onRead(userId: string, seq: number): void {
    if (!Number.isInteger(seq)) return;
    if (userId === this.#options.userId) {
      if (seq > this.#state.readSeq) this.#update({ readSeq: seq });
      return;
    }
    const reads = advanceRead(this.#state.reads, { userId, seq });
    if (reads !== this.#state.reads) this.#update({ reads });
  }

  /** Shows `member` as typing for `typingShownMs` more (one entry per userId; never ourselves). */
  #onTyping(member: Member): void {
    const { userId, name } = member;
    if (userId === this.#options.userId) return;
    const clock = this.#options.clock;
    const previous = this.#typingTimers.get(userId);
    if (previous !== undefined) clock.clearTimeout(previous);
    this.#typingTimers.set(
      userId,
      clock.setTimeout(() => this.#stopTyping(userId), this.#timing.typingShownMs),
    );
    const typing = this.#state.typing;
    const index = typing.findIndex((t) => t.userId === userId);
    if (index === -1) return this.#update({ typing: [...typing, { userId, name }] });
    if ((typing[index] as { name: string }).name !== name)
      this.#update({ typing: typing.map((t) => (t.userId === userId ? { userId, name } : t)) });
  }

  /** Their message arrived, their time ran out, or they left: no longer typing. */
  #stopTyping(userId: string): void {
    const handle = this.#typingTimers.get(userId);
    if (handle !== undefined) this.#options.clock.clearTimeout(handle);
    this.#typingTimers.delete(userId);
    if (this.#state.typing.some((t) => t.userId === userId))
      this.#update({ typing: this.#state.typing.filter((t) => t.userId !== userId) });
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
    if (frame.action && backgroundActions.has(frame.action)) return;
    const clientMessageId = "clientMessageId" in frame ? frame.clientMessageId : undefined;
    if (frame.action === "sendMessage" || clientMessageId) {
      // The error names the message it refused. (Without a name, every message on the wire may be the one:
      // marking them all failed is safe, since a retry reuses the clientMessageId and a copy that did land
      // still arrives.)
      const refusedIds = clientMessageId
        ? [clientMessageId]
        : this.#state.pending.filter((p) => p.state === "sending").map((p) => p.clientMessageId);
      for (const id of refusedIds) this.#clearSendTimer(id);
      this.#setPendingState(refusedIds, "failed");
    }
    const problem = {
      code: frame.code,
      message: frame.message,
      ...("issues" in frame && frame.issues && { issues: frame.issues }),
      ...("retryAfterMs" in frame &&
        typeof frame.retryAfterMs === "number" && { retryAfterMs: frame.retryAfterMs }),
    };
    this.#notify("error", { kind: "refused", problem });
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
    const frame: ClientFrameOf<"sendMessage"> = {
      action: "sendMessage",
      text: pending.text,
      clientMessageId,
    };
    if (pending.mentions.length > 0) frame.mentions = [...pending.mentions];
    if (!this.#transmit(frame)) {
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

  #setPendingState(
    ids: readonly string[],
    state: PendingMessage["state"],
    onlyFrom?: PendingMessage["state"],
  ): void {
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
    if (tone === "info")
      this.#options.clock.setTimeout(() => this.dismissNotice(notice.id), this.#timing.infoNoticeMs);
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
