/**
 * The one module of the web app that speaks to the network (house style 13): typed HTTP calls with the
 * session's bearer token, and the live room connection. Views import from here and never call fetch or
 * WebSocket themselves. Nothing here is worded for people: failures and states are codes, and the views
 * (components/problem-text.ts) put them into words.
 */
import { newClientId } from "./client-ids";
import { wsUrl } from "./endpoints";
import { createTicket, listMessages } from "./http-api";
import type { User } from "./protocol";
import { RoomConnection } from "./room-connection";
import type { Clock, OpenSocket } from "./socket-seam";

export type { Issue, Problem } from "./api-error";
export { ApiError, problemOf } from "./api-error";
export {
  acceptInvite,
  createInvite,
  createRoom,
  getRoom,
  type Invite,
  leaveRoom,
  listMembers,
  listMessages,
  listMyRooms,
  listRooms,
  type MembersPage,
  type MessagesPage,
  type MyRoomsPage,
  onUnauthorized,
  type RoomsPage,
  type RoomWithTodos,
  removeMember,
  renameSession,
  revokeInvites,
  type SessionGrant,
  setBearerToken,
  startGuestSession,
} from "./http-api";
export { limits } from "./limits";
export type {
  Member,
  Message,
  MyRoom,
  Reaction,
  ReadPosition,
  Role,
  Room,
  RoomMember,
  Todo,
  User,
  Visibility,
} from "./protocol";
export { RoomConnection } from "./room-connection";
export type {
  ConnectionStatus,
  EndReason,
  Notice,
  OlderHistory,
  PendingMessage,
  RoomState,
  Typist,
} from "./room-state";
export type { Refusal, SendResult } from "./send-result";

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

/**
 * A connection to one room with the browser's socket, clock and randomness (call `start()` to connect), as
 * `user`. Every connect asks for a fresh ticket with the session's token; the token itself never goes into a URL.
 */
export const connectToRoom = ({ roomId, user }: { roomId: string; user: User }) =>
  new RoomConnection({
    wsUrl,
    roomId,
    name: user.name,
    userId: user.userId,
    getTicket: (roomId) => createTicket({ roomId }).then(({ ticket }) => ticket),
    openSocket: openBrowserSocket,
    fetchOlder: ({ roomId, before }) => listMessages({ roomId, before }),
    clock: browserClock,
    random: Math.random,
    newClientId,
  });
