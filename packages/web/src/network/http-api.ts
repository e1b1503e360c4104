import { ApiError, type Issue } from "./api-error";
import { httpUrl } from "./endpoints";
import type { Message, MyRoom, Role, Room, RoomMember, Todo, User, Visibility } from "./protocol";

export interface RoomsPage {
  rooms: Room[];
  cursor: string | null;
}
export interface MyRoomsPage {
  rooms: MyRoom[];
  cursor: string | null;
}
export interface MessagesPage {
  messages: Message[];
  /** The oldest seq on the page when older messages exist (pass it as `before`), else null. */
  cursor: number | null;
}
export interface MembersPage {
  members: RoomMember[];
  cursor: string | null;
}
/** GET /rooms/{roomId}: `role` is the caller's; null means not (yet) a member of this public room. */
export interface RoomWithTodos {
  room: Room;
  todos: Todo[];
  role: Role | null;
}
/** A signed-in guest: the bearer token for every call, who it names, and when it stops working. */
export interface SessionGrant {
  token: string;
  user: User;
  expiresAt: string;
}
export interface Ticket {
  ticket: string;
  expiresAt: string;
}
export interface Invite {
  code: string;
  expiresAt: string;
}

// ---- the bearer token ---------------------------------------------------------------------------------------

let bearer: string | null = null;
const unauthorizedListeners = new Set<(rejectedToken: string) => void>();

/** The token every call but `POST /sessions` (for a new guest) sends as `Authorization: Bearer`. */
export function setBearerToken(token: string | null): void {
  bearer = token;
}

/**
 * Calls `listener` with the token a 401 answer refused, so the session can drop it (only if it is still the
 * current one: an answer to an older token must not sign out a newer session). Returns the unsubscribe function.
 */
export function onUnauthorized(listener: (rejectedToken: string) => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

// ---- requests ---------------------------------------------------------------------------------------------

interface ErrorBody {
  error?: { code: string; message: string; issues?: Issue[]; retryAfterMs?: number };
  issues?: Issue[];
}

async function request<T>(
  path: string,
  init: RequestInit & { anonymous?: boolean } = {},
  baseUrl = httpUrl,
): Promise<T> {
  const { anonymous = false, ...options } = init;
  const token = anonymous ? null : bearer;
  const headers: Record<string, string> = {};
  if (options.body) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, { ...options, headers });
  } catch {
    throw new ApiError({ code: "network", message: "The server could not be reached", status: 0 });
  }
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as (T & ErrorBody) | null;
  if (response.ok && body) return body;
  if (response.status === 401 && token) for (const listener of [...unauthorizedListeners]) listener(token);
  const error = body?.error;
  throw new ApiError({
    code:
      error?.code ??
      (response.status === 401 ? "unauthorized" : response.status >= 500 ? "internal" : "bad_request"),
    message: error?.message ?? `HTTP ${response.status}`,
    status: response.status,
    issues: error?.issues ?? body?.issues ?? [],
    ...(typeof error?.retryAfterMs === "number" && { retryAfterMs: error.retryAfterMs }),
  });
}

const query = (params: Record<string, string | number | null | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
};

const roomPath = (roomId: string) => `/rooms/${encodeURIComponent(roomId)}`;
const json = (method: string, body?: unknown): RequestInit => ({
  method,
  ...(body !== undefined && { body: JSON.stringify(body) }),
});

// ---- identity ---------------------------------------------------------------------------------------------

/** POST /sessions without a token: a new guest with a new userId. */
export const startGuestSession = ({ name }: { name: string }) =>
  request<SessionGrant>("/sessions", { ...json("POST", { name }), anonymous: true });

/** POST /sessions with the current token: the same userId under a new name, with a fresh token. */
export const renameSession = ({ name }: { name: string }) =>
  request<SessionGrant>("/sessions", json("POST", { name }));

// ---- rooms ------------------------------------------------------------------------------------------------

/** GET /rooms: public rooms, newest first; pass the previous page's `cursor` for the next one. */
export const listRooms = ({ limit, cursor }: { limit?: number; cursor?: string | null } = {}) =>
  request<RoomsPage>(`/rooms${query({ limit, cursor })}`);

/** GET /me/rooms: the rooms I am a member of (public and private), most recent activity first, with my role and unread counts. */
export const listMyRooms = ({ limit, cursor }: { limit?: number; cursor?: string | null } = {}) =>
  request<MyRoomsPage>(`/me/rooms${query({ limit, cursor })}`);

/** POST /rooms: the caller becomes its owner. */
export const createRoom = ({ name, visibility }: { name: string; visibility?: Visibility }) =>
  request<{ room: Room }>("/rooms", json("POST", visibility ? { name, visibility } : { name })).then(
    ({ room }) => room,
  );

/** GET /rooms/{roomId}: the room, its todos and my role; unknown (or private and not mine) is `not_found`. */
export const getRoom = ({ roomId }: { roomId: string }) => request<RoomWithTodos>(roomPath(roomId));

/** GET /rooms/{roomId}/messages: a page ending at the newest message (or just before seq `before`), oldest first. */
export const listMessages = ({
  roomId,
  before,
  limit,
}: {
  roomId: string;
  before?: number | null;
  limit?: number;
}) => request<MessagesPage>(`${roomPath(roomId)}/messages${query({ limit, before })}`);

// ---- membership -------------------------------------------------------------------------------------------

/** GET /rooms/{roomId}/members: memberships (not connections), a page at a time. */
export const listMembers = ({
  roomId,
  limit,
  cursor,
}: {
  roomId: string;
  limit?: number;
  cursor?: string | null;
}) => request<MembersPage>(`${roomPath(roomId)}/members${query({ limit, cursor })}`);

/** DELETE /rooms/{roomId}/members/{userId}: the owner removes a member (a ban until a newer invite). */
export const removeMember = ({ roomId, userId }: { roomId: string; userId: string }) =>
  request<void>(`${roomPath(roomId)}/members/${encodeURIComponent(userId)}`, { method: "DELETE" });

/** DELETE /rooms/{roomId}/members/me: leave a room (not a ban). */
export const leaveRoom = ({ roomId }: { roomId: string }) =>
  request<void>(`${roomPath(roomId)}/members/me`, { method: "DELETE" });

/** POST /rooms/{roomId}/tickets: a single-use ticket for one WebSocket connect (60 s). */
export const createTicket = ({ roomId }: { roomId: string }) =>
  request<Ticket>(`${roomPath(roomId)}/tickets`, json("POST"));

// ---- invites ----------------------------------------------------------------------------------------------

/** POST /rooms/{roomId}/invites: owner only. */
export const createInvite = ({ roomId, expiresInHours }: { roomId: string; expiresInHours?: number }) =>
  request<{ invite: Invite }>(
    `${roomPath(roomId)}/invites`,
    json("POST", expiresInHours === undefined ? undefined : { expiresInHours }),
  ).then(({ invite }) => invite);

/** DELETE /rooms/{roomId}/invites: every invite made so far stops working; owner only. */
export const revokeInvites = ({ roomId }: { roomId: string }) =>
  request<void>(`${roomPath(roomId)}/invites`, { method: "DELETE" });

/** POST /invites/{code}: join the invite's room; unknown, revoked or expired is `not_found`. */
export const acceptInvite = ({ code }: { code: string }) =>
  request<{ room: Room }>(`/invites/${encodeURIComponent(code)}`, json("POST")).then(({ room }) => room);
