/**
 * The one module of the web app that speaks to the network (house style 13): typed HTTP calls and the live
 * room connection. Views import from here and never call fetch or WebSocket themselves.
 */
import { newClientId } from "./client-ids";
import { wsUrl } from "./endpoints";
import { listMessages } from "./http-api";
import { RoomConnection, type Clock, type OpenSocket } from "./room-connection";

export { ApiError, describeFailure, describeProblem } from "./api-error";
export { createRoom, getRoom, listMessages, listRooms, type MessagesPage, type RoomsPage, type RoomWithTodos } from "./http-api";
export { limits } from "./limits";
export { RoomConnection, type SendResult } from "./room-connection";
export type { ConnectionStatus, Notice, OlderHistory, PendingMessage, RoomState } from "./room-state";

/** The browser's WebSocket behind the connection's socket seam. */
export const openBrowserSocket: OpenSocket = (url, { onOpen, onMessage, onClose }) => {
  const socket = new WebSocket(url);
  socket.onopen = () => onOpen();
  socket.onmessage = (event) => {
    if (typeof event.data === "string") onMessage(event.data);
  };
  // A failed handshake fires error then close; close alone is enough to act on.
  socket.onclose = (event) => onClose(event.code, event.reason);
  return { send: (data) => socket.send(data), close: (code, reason) => socket.close(code, reason) };
};

const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => window.setTimeout(run, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

/** A connection to one room with the browser's socket, clock and randomness (call `start()` to connect). */
export const connectToRoom = ({ roomId, name }: { roomId: string; name: string }) =>
  new RoomConnection({
    wsUrl,
    roomId,
    name,
    openSocket: openBrowserSocket,
    fetchOlder: ({ roomId, before }) => listMessages({ roomId, before }),
    clock: browserClock,
    random: Math.random,
    newClientId,
  });
