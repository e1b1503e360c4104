/**
 * The one way every test and benchmark client becomes a user and opens a socket (contract v2, "Identity" and
 * "WebSocket API"): `POST /sessions` for a bearer token, `POST /rooms` to own a room, `POST /rooms/{id}/tickets`
 * for a single-use ticket (valid 60 s), then `<wsUrl>?ticket=<ticket>`. Plain fetch, no test framework, so
 * packages/local/test, test/reliability and bench/ all import it.
 *
 * Every helper throws `HttpError` (status and body) on an unexpected answer; a test that expects a refusal
 * makes the request itself.
 */
import type { Room, User, Visibility } from "@rooms/core/protocol";

export type { Room, User, Visibility };

/** What `POST /sessions` answers: the token (30 days) and the user it names. */
export interface Session {
  token: string;
  user: User;
  expiresAt: string;
}

export class HttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} answered ${status}: ${body.slice(0, 500)}`);
  }
}

/** `{ authorization: "Bearer <token>" }` for a token or a session. */
export const bearer = (token: string | Session): Record<string, string> => ({
  authorization: `Bearer ${typeof token === "string" ? token : token.token}`,
});

const tokenOf = (token: string | Session) => (typeof token === "string" ? token : token.token);

/** One JSON request; resolves with the parsed body when the status is `expected`, else throws HttpError. */
async function request<T>(
  httpUrl: string,
  method: string,
  path: string,
  { token, body, expected }: { token?: string | Session; body?: unknown; expected: number },
): Promise<T> {
  const response = await fetch(`${httpUrl}${path}`, {
    method,
    headers: {
      ...(body !== undefined && { "content-type": "application/json" }),
      ...(token !== undefined && bearer(token)),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status !== expected) throw new HttpError(method, path, response.status, text);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** `POST /sessions {name}`: a new guest user. With `token`, the same user renamed (a fresh token). */
export function createSession(
  httpUrl: string,
  name: string,
  { token }: { token?: string | Session } = {},
): Promise<Session> {
  return request<Session>(httpUrl, "POST", "/sessions", {
    body: { name },
    expected: 201,
    ...(token !== undefined && { token }),
  });
}

/** `POST /rooms {name, visibility}` as the token's user, who becomes its owner. */
export async function createRoom(
  httpUrl: string,
  token: string | Session,
  { name, visibility }: { name: string; visibility?: Visibility },
): Promise<Room> {
  const body = { name, ...(visibility !== undefined && { visibility }) };
  return (await request<{ room: Room }>(httpUrl, "POST", "/rooms", { token, body, expected: 201 })).room;
}

/** `POST /rooms/{roomId}/tickets`: a single-use ticket (60 s) to open one socket to the room. */
export async function ticketFor(httpUrl: string, token: string | Session, roomId: string): Promise<string> {
  const path = `/rooms/${encodeURIComponent(roomId)}/tickets`;
  return (
    await request<{ ticket: string; expiresAt: string }>(httpUrl, "POST", path, { token, expected: 201 })
  ).ticket;
}

/** The URL a socket connects to with `ticket`. */
export function connectUrl(wsUrl: string, ticket: string): string {
  const url = new URL(wsUrl);
  url.searchParams.set("ticket", ticket);
  return url.toString();
}

/** `ticketFor` then `connectUrl`: where `token`'s user opens a (fresh) socket to `roomId`. */
export async function joinUrl(
  { httpUrl, wsUrl }: { httpUrl: string; wsUrl: string },
  token: string | Session,
  roomId: string,
): Promise<string> {
  return connectUrl(wsUrl, await ticketFor(httpUrl, tokenOf(token), roomId));
}

/** `POST /rooms/{roomId}/invites` as the owner: the invite code. */
export async function createInvite(
  httpUrl: string,
  ownerToken: string | Session,
  roomId: string,
): Promise<string> {
  const path = `/rooms/${encodeURIComponent(roomId)}/invites`;
  return (
    await request<{ invite: { code: string } }>(httpUrl, "POST", path, { token: ownerToken, expected: 201 })
  ).invite.code;
}

/** `POST /invites/{code}`: the token's user becomes a member of the invite's room, which is returned. */
export async function acceptInvite(httpUrl: string, token: string | Session, code: string): Promise<Room> {
  const path = `/invites/${encodeURIComponent(code)}`;
  return (await request<{ room: Room }>(httpUrl, "POST", path, { token, expected: 200 })).room;
}
