import type { ServerFrame } from "@rooms/core/protocol";
import { WebSocket } from "ws";

/** A frame as a client got it: parsed JSON, or `{ raw }` for text that is not JSON (never expected). */
export type ReceivedFrame = ServerFrame | { type?: undefined; raw: string } | { type?: undefined; message: string; connectionId?: string };

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
    readonly name: string,
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
    this.closed = new Promise((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
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
  waitFor<T extends ReceivedFrame = ReceivedFrame>(predicate: (frame: ReceivedFrame) => boolean, { from = 0, timeoutMs = 15_000 } = {}): Promise<T> {
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
        reject(new Error(`${this.name}: no matching frame within ${timeoutMs} ms; last frames: ${JSON.stringify(this.frames.slice(-5))}`));
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

/** Opens a socket to the gateway's room; resolves once the handshake (and so $connect) completed. */
export function connectLive(wsUrl: string, { roomId, name }: { roomId: string; name: string }): Promise<LiveClient> {
  const url = new URL(wsUrl);
  url.searchParams.set("roomId", roomId);
  url.searchParams.set("name", name);
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    const client = new LiveClient(socket, name, roomId);
    socket.once("open", () => resolve(client));
    socket.once("unexpected-response", (_request, response) => reject(new Error(`${name}: handshake refused with ${response.statusCode}`)));
    socket.once("error", reject);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true; throws with `describe()` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, { timeoutMs, describe, intervalMs = 100 }: { timeoutMs: number; describe: () => string; intervalMs?: number }) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms: ${describe()}`);
    await sleep(intervalMs);
  }
}
