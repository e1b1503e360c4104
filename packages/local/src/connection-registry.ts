import { WebSocket } from "ws";

/** One open socket as the @connections API sees it. */
export interface LiveConnection {
  connectionId: string;
  socket: WebSocket;
  /** Epoch milliseconds. */
  connectedAt: number;
  /** Epoch milliseconds of the last frame from the client. */
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
}

/**
 * The sockets the WebSocket gateway holds, shared with the @connections API. A connection is listed only
 * between a successful $connect and its close: while $connect runs, and after close, it is gone (410),
 * as on AWS.
 */
export class ConnectionRegistry {
  readonly #connections = new Map<string, LiveConnection>();

  add(connection: LiveConnection) {
    this.#connections.set(connection.connectionId, connection);
  }

  remove(connectionId: string) {
    this.#connections.delete(connectionId);
  }

  /** The connection if its socket is open; undefined for unknown, closing or closed ones. */
  get(connectionId: string): LiveConnection | undefined {
    const connection = this.#connections.get(connectionId);
    return connection?.socket.readyState === WebSocket.OPEN ? connection : undefined;
  }

  list(): LiveConnection[] {
    return [...this.#connections.values()];
  }

  get size() {
    return this.#connections.size;
  }
}
