import { WebSocket } from "ws";

export interface Refused {
  status: number;
  body: string;
}

export interface Closed {
  code: number;
  reason: string;
}

/**
 * A WebSocket client for tests: keeps every frame it receives (parsed JSON, or the raw text when not JSON)
 * and lets a test wait for the next frame matching a predicate. Each frame is handed out once by `next`,
 * so waiting twice for "a message frame" needs two of them.
 */
export class TestClient<Frame = any> {
  readonly frames: Frame[] = [];
  readonly closed: Promise<Closed>;
  readonly #taken = new Set<number>();
  readonly #waiters = new Set<() => void>();

  constructor(
    readonly socket: WebSocket,
    readonly label = "client",
  ) {
    socket.on("message", (data) => {
      const text = data.toString();
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        frame = text as Frame;
      }
      this.frames.push(frame);
      for (const wake of this.#waiters) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  send(frame: unknown) {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The next frame not handed out yet that matches; rejects after `timeoutMs` listing what did arrive. */
  next<T extends Frame = Frame>(
    predicate: (frame: Frame) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.frames.findIndex((frame, i) => !this.#taken.has(i) && predicate(frame));
        if (index === -1) return false;
        this.#taken.add(index);
        cleanup();
        resolve(this.frames[index] as T);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `${this.label}: no matching frame within ${timeoutMs} ms; received ${JSON.stringify(this.frames)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      const wake = () => void check();
      if (!check()) this.#waiters.add(wake);
    });
  }

  /** The next frame of a given `type`. */
  nextOfType<T extends Frame = Frame>(
    type: string,
    predicate: (frame: T) => boolean = () => true,
    timeoutMs?: number,
  ) {
    return this.next<T>(
      (frame) => (frame as { type?: unknown }).type === type && predicate(frame as T),
      timeoutMs,
    );
  }

  /** Every frame received so far that matches (handed out or not). */
  all<T extends Frame = Frame>(predicate: (frame: Frame) => boolean = () => true): T[] {
    return this.frames.filter(predicate) as T[];
  }

  /** Closes politely and waits for the close handshake. */
  async close(code = 1000) {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(code);
    await this.closed;
  }

  /** Drops the TCP connection without a close frame, like a killed browser tab. */
  async terminate() {
    this.socket.terminate();
    await this.closed;
  }
}

/**
 * Opens a socket and resolves once the handshake completed; rejects with the refusal otherwise. `query` is added
 * to `url` as given (raw gateway tests). Against the real stack, connect to `connectUrl(wsUrl, ticket)` from
 * test/support/room-session.ts (or use `joinRoom` in e2e-stack.ts), the one way tests become a user and connect.
 */
export function connectClient<Frame = any>(
  url: string,
  query: Record<string, string> = {},
  label?: string,
): Promise<TestClient<Frame>> {
  const target = new URL(url);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(target);
    const client = new TestClient<Frame>(socket, label ?? query.name ?? "client");
    socket.once("open", () => resolve(client));
    socket.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk));
      response.on("end", () =>
        reject(
          Object.assign(new Error(`handshake refused: ${response.statusCode}`), {
            status: response.statusCode ?? 0,
            body,
          }),
        ),
      );
    });
    socket.once("error", reject);
  });
}

/** Expects the handshake to be refused and returns the HTTP status and body. */
export async function expectRefused(url: string, query: Record<string, string> = {}): Promise<Refused> {
  try {
    const client = await connectClient(url, query);
    await client.close();
  } catch (error) {
    const { status, body } = error as Partial<Refused>;
    if (typeof status === "number") return { status, body: body ?? "" };
    throw error;
  }
  throw new Error("handshake was accepted; expected a refusal");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a truthy value or the time is up. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${last}` : ""}`);
}
