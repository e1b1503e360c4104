import type { ServerFrame } from "@rooms/core/protocol";
import { WebSocket } from "ws";
import { createSession, joinUrl, type Session } from "../../support/room-session";

/** A frame as a client got it: parsed JSON, or `{ raw }` for text that is not JSON (never expected). */
export type ReceivedFrame =
  | ServerFrame
  | { type?: undefined; raw: string }
  | { type?: undefined; message: string; connectionId?: string };

/**
 * A real WebSocket client of the local gateway that keeps every frame it receives, in arrival order, and can
 * wait (bounded) for a frame matching a predicate, including one that arrived before the wait began.
 */
export class LiveClient {
  readonly frames: ReceivedFrame[] = [];
  /** Frames received per type, kept as they arrive (cheap to poll for hundreds of clients). */
  readonly counts = new Map<string, number>();
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #waiters = new Set<() => void>();

  /** Called for every frame as it arrives. */
  onFrame: ((frame: ReceivedFrame) => void) | undefined;

  constructor(
    readonly socket: WebSocket,
    /** The user this socket belongs to (its ticket's). */
    readonly session: Session,
    readonly roomId: string,
  ) {
    socket.on("message", (data) => {
      const text = data.toString();
      let frame: ReceivedFrame;
      try {
        frame = JSON.parse(text) as ReceivedFrame;
      } catch {
        frame = { raw: text };
      }
      this.frames.push(frame);
      const type = String(frame.type ?? "untyped");
      this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
      this.onFrame?.(frame);
      for (const wake of this.#waiters) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  /** The user's display name (labels in failure messages). */
  get name() {
    return this.session.user.name;
  }

  send(frame: unknown) {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  count(type: string) {
    return this.counts.get(type) ?? 0;
  }

  /** Frames of one type, in arrival order. */
  ofType<T extends ServerFrame["type"]>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type);
  }

  /**
   * Resolves with the first frame at index >= `from` that matches; rejects after `timeoutMs` with what arrived.
   * `from` lets a caller ignore frames that came before its request.
   */
  waitFor<T extends ReceivedFrame = ReceivedFrame>(
    predicate: (frame: ReceivedFrame) => boolean,
    { from = 0, timeoutMs = 15_000 } = {},
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      let checked = from;
      const check = () => {
        for (; checked < this.frames.length; checked++) {
          const frame = this.frames[checked]!;
          if (predicate(frame)) {
            done();
            resolve(frame as T);
            return;
          }
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `${this.name}: no matching frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  async close() {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(1000);
    await this.closed;
  }

  /** Drops the TCP connection without a close frame, like a phone losing its network. */
  async terminate() {
    this.socket.terminate();
    await this.closed;
  }
}

/** A user with a fresh ticket for one room: everything a socket needs but the handshake. */
export interface LiveTicket {
  session: Session;
  roomId: string;
  url: string;
}

/**
 * Signs in as `who` (a display name: a new guest, `POST /sessions`; or an existing session: another socket, or a
 * reconnect, of that user) and takes a fresh single-use ticket for `roomId`, valid 60 s. Separate from the
 * handshake so a test can make many sockets join at the very same moment.
 */
export async function prepareLive(
  stack: { httpUrl: string; wsUrl: string },
  { roomId, who }: { roomId: string; who: string | Session },
): Promise<LiveTicket> {
  const session = typeof who === "string" ? await createSession(stack.httpUrl, who) : who;
  return { session, roomId, url: await joinUrl(stack, session, roomId) };
}

/** Opens the socket a ticket was taken for; resolves once the handshake (and so $connect) completed. */
export function openLive({ session, roomId, url }: LiveTicket): Promise<LiveClient> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client = new LiveClient(socket, session, roomId);
    socket.once("open", () => resolve(client));
    socket.once("unexpected-response", (_request, response) =>
      reject(new Error(`${session.user.name}: handshake refused with ${response.statusCode}`)),
    );
    socket.once("error", reject);
  });
}

/** `prepareLive` then `openLive`: one socket to `roomId` as `who`, with a fresh ticket. */
export async function connectLive(
  stack: { httpUrl: string; wsUrl: string },
  target: { roomId: string; who: string | Session },
): Promise<LiveClient> {
  return openLive(await prepareLive(stack, target));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  {
    timeoutMs,
    describe,
    intervalMs = 100,
  }: { timeoutMs: number; describe: () => string; intervalMs?: number },
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${describe()}`);
    await sleep(intervalMs);
  }
}
