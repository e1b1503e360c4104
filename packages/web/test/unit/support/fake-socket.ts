import type { ClientFrame, ServerFrame } from "../../../src/network/protocol";
import type { OpenSocket, SocketHandle, SocketHandlers } from "../../../src/network/socket-seam";

/** The server's end of one fake WebSocket: the test accepts it, pushes frames, and drops it. */
export class FakeSocket implements SocketHandle {
  readonly sent: string[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  constructor(
    readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {}

  send(data: string): void {
    if (this.closedWith) throw new Error("send on a closed socket");
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }

  /** Completes the handshake. */
  accept(): void {
    this.handlers.onOpen();
  }

  receive(frame: ServerFrame | string): void {
    this.handlers.onMessage(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The network or the server ends the connection. */
  drop(code = 1006): void {
    this.closedWith = { code };
    this.handlers.onClose(code, "");
  }

  get frames(): ClientFrame[] {
    return this.sent.map((data) => JSON.parse(data) as ClientFrame);
  }

  framesOf<A extends ClientFrame["action"]>(action: A): Extract<ClientFrame, { action: A }>[] {
    return this.frames.filter((f): f is Extract<ClientFrame, { action: A }> => f.action === action);
  }

  get query(): URLSearchParams {
    return new URL(this.url).searchParams;
  }
}

export class FakeSockets {
  readonly all: FakeSocket[] = [];
  readonly open: OpenSocket = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    this.all.push(socket);
    return socket;
  };

  get last(): FakeSocket {
    const socket = this.all.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }
}
