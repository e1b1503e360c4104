import type { Member, Message, Room, ServerFrame, Todo } from "@rooms/core/protocol";
import {
  acceptInvite,
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
