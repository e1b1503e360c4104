import { fullJitterDelayMs } from "@rooms/core/backoff";
import { ApiError } from "./api-error";
import type { ConnectionTiming } from "./connection-timing";
import { fitsClientFrame } from "./limits";
import { NamedTimers } from "./named-timers";
import type { ClientFrame } from "./protocol";
import type { EndReason } from "./room-state";
import type { Clock, OpenSocket, SocketHandle } from "./socket-seam";

export interface SocketEvents {
  /** Connecting (the first time) or reconnecting; `retryAt` while a backoff wait runs. */
  onStatus(status: "connecting" | "reconnecting", retryAt: number | null): void;
  /** The socket opened: time to ask for a snapshot. */
  onOpen(): void;
  onFrame(data: string): void;
  /** The socket is gone and the next one is scheduled (`code`: the close code, if the socket closed). */
  onDrop(code?: number): void;
  /** Closed for good: no reconnect follows. */
  onEnd(reason: EndReason): void;
}

export interface SocketLifecycleOptions {
  wsUrl: string;
  roomId: string;
  getTicket: (roomId: string) => string | PromiseLike<string>;
  openSocket: OpenSocket;
  clock: Clock;
  random: () => number;
  timing: ConnectionTiming;
  events: SocketEvents;
}

/** Ticket answers that end the connection instead of being retried. */
const endingTicketStatus: Record<number, EndReason> = { 401: "signed_out", 403: "removed", 404: "not_found" };
const endingTicket = (error: unknown): EndReason | undefined =>
  error instanceof ApiError
    ? error.code === "limit_reached"
      ? "room_full"
      : endingTicketStatus[error.status]
    : undefined;

type Timer = "connect" | "ping" | "pong" | "maxAge" | "reconnect";

/**
 * The WebSocket's life, apart from what flows over it: a fresh ticket per connect, the connect timeout, ping
 * and pong, the move to a fresh socket before API Gateway's 2-hour limit, and reconnects after a full-jitter
 * backoff. A refusal ends it instead of looping: a ticket refused 401/403/404 or `limit_reached`, or
 * handshakes refused `maxRefusedHandshakes` times in a row.
 */
export class SocketLifecycle {
  readonly #options: SocketLifecycleOptions;
  readonly #timers: NamedTimers<Timer>;
  #socket: SocketHandle | null = null;
  #socketOpen = false;
  /** Bumped per socket so events from a socket we already left are ignored. */
  #generation = 0;
  #attempt = 0;
  /** Sockets in a row that closed before they opened. */
  #refusedHandshakes = 0;
  #liveSince: number | null = null;
  #ended = false;

  constructor(options: SocketLifecycleOptions) {
    this.#options = options;
    this.#timers = new NamedTimers(options.clock);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Waiting out a backoff before the next connect. */
  get waiting(): boolean {
    return this.#timers.has("reconnect");
  }

  /**
   * One connect attempt: a fresh ticket, then the socket. The connect timeout covers both, so a ticket request
   * that hangs is abandoned like a handshake that does; its late answer is ignored (the generation moved on).
   */
  open(): void {
    if (this.#ended) return;
    const { events, timing } = this.#options;
    const generation = ++this.#generation;
    const current = () => generation === this.#generation && !this.#ended;
    events.onStatus(this.#attempt > 0 ? "reconnecting" : "connecting", null);
    this.#socketOpen = false;
    this.#timers.set("connect", timing.connectTimeoutMs, () => this.drop());
    const connect = (ticket: string) => {
      if (!current()) return;
      const url = `${this.#options.wsUrl}?${new URLSearchParams({ ticket })}`;
      this.#socket = this.#options.openSocket(url, {
        onOpen: () => current() && this.#onOpen(),
        onMessage: (data) => current() && this.#onMessage(data),
        onClose: (code) => current() && this.#onClose(code),
      });
    };
    const refusedTicket = (error: unknown) => {
      if (!current()) return;
      const ending = endingTicket(error);
      if (ending) this.end(ending);
      else this.drop({ atLeastMs: error instanceof ApiError ? error.retryAfterMs : undefined });
    };
    let answer: string | PromiseLike<string>;
    try {
      answer = this.#options.getTicket(this.#options.roomId);
    } catch (error) {
      refusedTicket(error);
      return;
    }
    if (typeof answer === "string") connect(answer);
    else answer.then(connect, refusedTicket);
  }

  /** Skips the rest of a backoff wait (the browser says it is online again, say). */
  reconnectNow(): void {
    if (this.#ended || !this.waiting) return;
    this.#timers.clear("reconnect");
    this.open();
  }

  /** Starts over after an end, as if new. */
  restart(): void {
    this.#ended = false;
    this.#attempt = 0;
    this.#refusedHandshakes = 0;
    this.open();
  }

  /** The room is live on this socket (its snapshot arrived): the connect timeout is over. */
  live(): void {
    this.#timers.clear("connect");
    this.#liveSince = this.#options.clock.now();
  }

  /** Gives an answer we wait for on this socket (a snapshot after a refused sync) a fresh connect timeout. */
  awaitAgain(): void {
    if (this.#liveSince === null)
      this.#timers.set("connect", this.#options.timing.connectTimeoutMs, () => this.drop());
  }

  /** Holds off the connect timeout while we wait on purpose (the server asked us to, `rate_limited`). */
  pauseConnectTimeout(): void {
    this.#timers.clear("connect");
  }

  /** Writes one frame if the socket is open and the frame fits API Gateway's limit. */
  send(frame: ClientFrame): boolean {
    const data = JSON.stringify(frame);
    if (!fitsClientFrame(data)) return false;
    if (!this.#socket || !this.#socketOpen) return false;
    try {
      this.#socket.send(data);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Leaves the current socket and schedules the next one: right away when refreshing a healthy connection,
   * otherwise after a full-jitter backoff (at least `atLeastMs`, when the server said how long to wait).
   */
  drop({
    immediately = false,
    atLeastMs = 0,
    code,
  }: {
    immediately?: boolean;
    atLeastMs?: number | undefined;
    code?: number;
  } = {}): void {
    if (this.#ended) return;
    const { clock, timing, random, events } = this.#options;
    if (this.#liveSince !== null && clock.now() - this.#liveSince >= timing.stableAfterMs) this.#attempt = 0;
    this.#liveSince = null;
    this.#generation++;
    this.#closeSocket(4000, immediately ? "refresh" : "reconnect");
    this.#timers.clearAll();
    const { baseDelayMs, maxDelayMs } = timing.backoff;
    const delay = immediately
      ? 0
      : Math.max(atLeastMs ?? 0, fullJitterDelayMs(this.#attempt, { baseDelayMs, maxDelayMs, random }));
    if (!immediately) this.#attempt++;
    events.onStatus("reconnecting", clock.now() + delay);
    events.onDrop(code);
    this.#timers.set("reconnect", delay, () => this.open());
  }

  /** Closes for good (no reconnect, every timer cleared). `beforeClose` may still send on the open socket. */
  end(reason: EndReason, beforeClose?: () => void): void {
    if (this.#ended) return;
    beforeClose?.();
    this.#ended = true;
    this.#generation++;
    this.#timers.clearAll();
    this.#closeSocket(1000, reason);
    this.#options.events.onEnd(reason);
  }

  #onOpen(): void {
    this.#socketOpen = true;
    this.#refusedHandshakes = 0;
    this.#schedulePing();
    this.#timers.set("maxAge", this.#options.timing.maxConnectionAgeMs, () =>
      this.drop({ immediately: true }),
    );
    this.#options.events.onOpen();
  }

  #onMessage(data: string): void {
    this.#timers.clear("pong");
    this.#options.events.onFrame(data);
  }

  #onClose(code: number): void {
    const opened = this.#socketOpen;
    this.#socket = null;
    // A browser is not told why a handshake failed (a used ticket, a full room: 403). A few in a row, with
    // tickets granted, is a refusal: stop rather than knock at the door forever.
    if (!opened && ++this.#refusedHandshakes >= this.#options.timing.maxRefusedHandshakes) {
      this.end("refused");
      return;
    }
    this.drop({ code });
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
    const { timing } = this.#options;
    this.#timers.set("ping", timing.pingEveryMs, () => {
      this.send({ action: "ping" });
      this.#timers.set("pong", timing.pongTimeoutMs, () => this.drop());
      this.#schedulePing();
    });
  }
}
