import type { Member, Message, Room, ServerFrame, Todo, Visibility } from "@rooms/core/protocol";
import {
  acceptInvite,
  bearer,
  connectUrl,
  createInvite,
  createSession,
  type Session,
  ticketFor,
} from "../../../../test/support/room-session";
import { startTestStack } from "../../../../test/support/test-stack";
import { connectClient, type WsClient } from "../../../../test/support/ws-client";
import type { LocalStack, LocalStackOptions } from "../../src/local-stack";

// The root config's testTimeout/hookTimeout do not reach projects (vitest 4 inline projects do not inherit them);
// a real stack on a loaded machine needs more than the 5 s default.

export type { Member, Message, Room, ServerFrame, Session, Todo };
export type RoomClient = WsClient<ServerFrame> & { session: Session };

/** A stack on the run's shared in-memory DynamoDB Local, with a table of its own. */
export const startE2eStack = (options: LocalStackOptions = {}): Promise<LocalStack> =>
  startTestStack("e2e", options);

/** A new guest user named `name` (`POST /sessions`). */
export const signIn = (stack: LocalStack, name: string): Promise<Session> =>
  createSession(stack.httpUrl, name);

export interface HttpReply<T = any> {
  status: number;
  headers: Headers;
  json: T;
}

/**
 * A small JSON client for the stack's HTTP API, calling as `session` (its bearer token on every request; a
 * `headers.authorization` given to `call` replaces it). `anonymous` sends no Authorization header at all.
 */
export function httpApi(stack: LocalStack, session?: Session) {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    { anonymous = false } = {},
  ): Promise<HttpReply<T>> => {
    const response = await fetch(`${stack.httpUrl}${path}`, {
      method,
      headers: {
        ...(session && !anonymous && bearer(session)),
        ...(body !== undefined && { "content-type": "application/json" }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, headers: response.headers, json };
  };
  return {
    session,
    call,
    get: <T = any>(path: string) => call<T>("GET", path),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("POST", path, body, headers),
    delete: <T = any>(path: string) => call<T>("DELETE", path),
    /** The same request without any Authorization header. */
    anonymous: <T = any>(method: string, path: string, body?: unknown) =>
      call<T>(method, path, body, {}, { anonymous: true }),
    async createRoom(name: string, visibility?: Visibility): Promise<Room> {
      const reply = await call<{ room: Room }>("POST", "/rooms", { name, ...(visibility && { visibility }) });
      if (reply.status !== 201)
        throw new Error(`POST /rooms answered ${reply.status} ${JSON.stringify(reply.json)}`);
      return reply.json.room;
    },
  };
}

/**
 * Opens a socket to a room: `who` is a signed-in user (a reconnect of the same user) or a display name (a new
 * guest). Each call takes a fresh ticket. Once the handshake completed, $connect has stored the connection:
 * broadcasts reach it.
 */
export async function joinRoom(
  stack: LocalStack,
  roomId: string,
  who: string | Session,
): Promise<RoomClient> {
  const session = typeof who === "string" ? await signIn(stack, who) : who;
  const ticket = await ticketFor(stack.httpUrl, session, roomId);
  const client = await connectClient<ServerFrame>(connectUrl(stack.wsUrl, ticket), {}, session.user.name);
  return Object.assign(client, { session });
}

/** Makes `member` a member of the private room `roomId` through an invite of its owner. */
export async function invite(
  stack: LocalStack,
  { owner, member, roomId }: { owner: Session; member: Session; roomId: string },
) {
  return acceptInvite(stack.httpUrl, member, await createInvite(stack.httpUrl, owner, roomId));
}

let counter = 0;
/** A clientMessageId unique within the run. */
export const clientId = (prefix = "c") => `${prefix}-${Date.now().toString(36)}-${counter++}`;

/** A ULID-shaped id that no room has. */
export const UNKNOWN_ROOM_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
