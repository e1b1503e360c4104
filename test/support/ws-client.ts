import { WebSocket } from "ws";

/** A frame that was not JSON (a gateway never sends one on purpose), kept as its text. */
export interface RawFrame {
  type?: undefined;
  raw: string;
}

export interface WsClientOptions {
  /** Names the client in failure messages. */
  label?: string;
  /**
   * Keep every frame (default). Off for benchmarks with thousands of sockets: frames are then only counted by
   * type and offered to waiters and `onFrame` as they arrive.
   */
  keepFrames?: boolean;
}

/**
 * The WebSocket client of every test, reliability scenario and benchmark: it parses each frame (JSON, else a
 * RawFrame), keeps them in arrival order, counts them by `type`, and waits (bounded) for a matching one.
 */
export class WsClient<Frame = any> {
  readonly frames: Frame[] = [];
  readonly counts = new Map<string, number>();
  /** How many frames arrived, kept or not: `waitFor(p, { from: client.received })` waits for a later one. */
  received = 0;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly label: string;
  /** Called for every frame as it arrives. */
  onFrame: ((frame: Frame) => void) | undefined;
  readonly #keepFrames: boolean;
  /** Indexes handed out by `next`. */
  readonly #taken = new Set<number>();
  readonly #waiters = new Set<(frame: Frame, index: number) => void>();

  constructor(
    readonly socket: WebSocket,
    { label = "client", keepFrames = true }: WsClientOptions = {},
  ) {
    this.label = label;
    this.#keepFrames = keepFrames;
    socket.on("message", (data) => {
      const text = data.toString();
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        frame = { raw: text } satisfies RawFrame as Frame;
      }
      const index = this.received++;
      if (this.#keepFrames) this.frames.push(frame);
      const type = String((frame as { type?: unknown }).type ?? "untyped");
      this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
      this.onFrame?.(frame);
      for (const waiter of this.#waiters) waiter(frame, index);
    });
    this.closed = new Promise((resolve) =>
      socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  send(frame: unknown) {
    this.socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Frames of one `type` received so far. */
  count(type: string) {
    return this.counts.get(type) ?? 0;
  }

  /** Every kept frame that matches (handed out by `next` or not). */
  all<T extends Frame = Frame>(predicate: (frame: Frame) => boolean = () => true): T[] {
    return this.frames.filter(predicate) as T[];
  }

  /**
   * The first frame at index >= `from` (kept frames that already arrived included) that matches; rejects after
   * `timeoutMs` naming `what` it waited for and what arrived. With `take`, a frame is handed out once: waiting twice for "a message
   * frame" then needs two of them.
   */
  waitFor<T extends Frame = Frame>(
    predicate: (frame: Frame) => boolean,
    {
      from = 0,
      timeoutMs = 15_000,
      take = false,
      what = "matching frame",
    }: { from?: number; timeoutMs?: number; take?: boolean; what?: string } = {},
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const offer = (frame: Frame, index: number) => {
        if (index < from || (take && this.#taken.has(index)) || !predicate(frame)) return false;
        if (take) this.#taken.add(index);
        done();
        resolve(frame as T);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.#keepFrames
          ? `last frames: ${JSON.stringify(this.frames.slice(-5))}`
          : `${this.received} frames`;
        reject(new Error(`${this.label}: no ${what} within ${timeoutMs} ms; ${seen}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(offer);
      };
      if (this.#keepFrames) {
        for (let index = from; index < this.frames.length; index++)
          if (offer(this.frames[index]!, index)) return;
      }
      this.#waiters.add(offer);
    });
  }

  /**
   * The next frame not handed out yet that matches (see `waitFor`'s `take`). Waits as long as `waitFor` by
   * default: a frame that comes ends the wait at once, and a full run on two cores can hold one back for seconds.
   */
  next<T extends Frame = Frame>(predicate: (frame: Frame) => boolean = () => true, timeoutMs = 15_000) {
    return this.waitFor<T>(predicate, { timeoutMs, take: true });
  }

  /** The next frame of a given `type` not handed out yet. */
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

  /** Closes politely and waits for the close handshake. */
  async close(code = 1000) {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close(code);
    await this.closed;
  }

  /** Drops the TCP connection without a close frame, like a killed browser tab or a phone losing its network. */
  async terminate() {
    this.socket.terminate();
    await this.closed;
  }
}

/** A refused handshake: the HTTP status and body the gateway answered with. */
export interface Refused {
  status: number;
  body: string;
}

/**
 * Opens `url` and resolves with `make(socket)` once the handshake completed (the client listens from the start,
 * so no frame is missed); a refused handshake rejects with an Error carrying `status` and `body`.
 */
export function openClient<C extends WsClient>(
  url: string | URL,
  make: (socket: WebSocket) => C,
  socketOptions: WebSocket.ClientOptions = {},
): Promise<C> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, socketOptions);
    const client = make(socket);
    socket.once("open", () => resolve(client));
    socket.once("unexpected-response", (_request, response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk;
      });
      response.on("end", () =>
        reject(
          Object.assign(new Error(`${client.label}: handshake refused with ${response.statusCode}`), {
            status: response.statusCode ?? 0,
            body,
          } satisfies Refused),
        ),
      );
    });
    socket.once("error", reject);
  });
}

/**
 * A plain client of `url` with `query` added as given (raw gateway tests). Against the real stack, connect to
 * `connectUrl(wsUrl, ticket)` from room-session.ts (or use live-client.ts), the one way tests become a user.
 */
export function connectClient<Frame = any>(
  url: string,
  query: Record<string, string> = {},
  label?: string,
): Promise<WsClient<Frame>> {
  const target = new URL(url);
  for (const [name, value] of Object.entries(query)) target.searchParams.set(name, value);
  return openClient(
    target,
    (socket) => new WsClient<Frame>(socket, { label: label ?? query.name ?? "client" }),
  );
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
