import type { ConnectionTiming } from "./connection-timing";
import type { MessagesPage } from "./http-api";
import type { Clock, OpenSocket } from "./socket-seam";

/** What a RoomConnection needs: the room, who we are, and its seams (tickets, socket, history, clock, random). */
export interface RoomConnectionOptions {
  wsUrl: string;
  roomId: string;
  /** Our display name, shown on pending messages (the server takes the real one from the ticket). */
  name: string;
  /** Our userId: which messages are ours (they settle pending ones and are never unread) and which reads are others'. */
  userId: string;
  /**
   * A fresh single-use ticket for one connect (POST /rooms/{id}/tickets), asked for before every connect and
   * reconnect: a promise, or the ticket itself if one is at hand. A failure with an ApiError of status 401, 403
   * or 404, or of code `limit_reached`, ends the connection for good (signed out, removed, not found, room
   * full); `rate_limited` waits its `retryAfterMs`; any other failure is retried like a dropped socket.
   */
  getTicket: (roomId: string) => string | PromiseLike<string>;
  openSocket: OpenSocket;
  /** Older history over HTTP (GET /rooms/{id}/messages?before=<seq>). */
  fetchOlder: (input: { roomId: string; before: number }) => Promise<MessagesPage>;
  clock: Clock;
  random: () => number;
  newClientId: () => string;
  timing?: Partial<ConnectionTiming>;
}
