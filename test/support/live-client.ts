import type { ServerFrame } from "@rooms/core/protocol";
import type { WebSocket } from "ws";
import { createSession, joinUrl, type Session } from "./room-session";
import { eventually } from "./wait";
import { openClient, type RawFrame, WsClient } from "./ws-client";

/** A frame as a client got it: a server frame, the gateway's own error, or text that is not JSON (never expected). */
export type ReceivedFrame =
  | ServerFrame
  | RawFrame
  | { type?: undefined; message: string; connectionId?: string };

/** A WebSocket client of the real stack that is a user (its ticket's) in one room. */
export class LiveClient extends WsClient<ReceivedFrame> {
  constructor(
    socket: WebSocket,
    /** The user this socket belongs to (its ticket's). */
    readonly session: Session,
    readonly roomId: string,
  ) {
    super(socket, { label: session.user.name });
  }

  /** The user's display name (labels in failure messages). */
  get name() {
    return this.session.user.name;
  }

  /** Frames of one type, in arrival order. */
  ofType<T extends ServerFrame["type"]>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: T }> => frame.type === type);
  }

  /** Sends a chat message and resolves once its echo (the stored message) came back to this sender. */
  sendMessageAndWait({
    text,
    clientMessageId,
    timeoutMs,
  }: {
    text: string;
    clientMessageId: string;
    timeoutMs?: number;
  }) {
    const from = this.received;
    this.send({ action: "sendMessage", text, clientMessageId });
    return this.waitFor((f) => f.type === "message" && f.message.clientMessageId === clientMessageId, {
      from,
      ...(timeoutMs !== undefined && { timeoutMs }),
      what: `the echo of ${clientMessageId}`,
    });
  }
}

/** Waits until every client received at least `count` frames of `type`; a timeout names those short of it. */
export function everyoneReceived(
  clients: readonly LiveClient[],
  type: string,
  count: number,
  timeoutMs: number,
) {
  return eventually(() => clients.every((client) => client.count(type) >= count), {
    timeoutMs,
    describe: () =>
      clients
        .filter((c) => c.count(type) < count)
        .map((c) => `${c.name}:${c.count(type)}`)
        .join(" "),
  });
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
  return openClient(url, (socket) => new LiveClient(socket, session, roomId), { perMessageDeflate: false });
}

/** `prepareLive` then `openLive`: one socket to `roomId` as `who`, with a fresh ticket. */
export async function connectLive(
  stack: { httpUrl: string; wsUrl: string },
  target: { roomId: string; who: string | Session },
): Promise<LiveClient> {
  return openLive(await prepareLive(stack, target));
}
