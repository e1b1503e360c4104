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

/** Time as the connection sees it: the browser's, or a test's that moves only when told to. */
export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
