import type { Message, Room, Todo } from "@rooms/core/protocol";
import { ApiError, type ErrorCode, type Issue } from "./api-error";
import { httpUrl } from "./endpoints";

export interface RoomsPage {
  rooms: Room[];
  cursor: string | null;
}
export interface MessagesPage {
  messages: Message[];
  cursor: string | null;
}
export interface RoomWithTodos {
  room: Room;
  todos: Todo[];
}

async function request<T>(path: string, init: RequestInit = {}, baseUrl = httpUrl): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers: init.body ? { "content-type": "application/json", ...init.headers } : init.headers,
    });
  } catch {
    throw new ApiError({ code: "network", message: "The server could not be reached", status: 0 });
  }
  const body = (await response.json().catch(() => null)) as
    | (T & { error?: { code: ErrorCode; message: string; issues?: Issue[] }; issues?: Issue[] })
    | null;
  if (response.ok && body) return body;
  const error = body?.error;
  throw new ApiError({
    code: error?.code ?? (response.status >= 500 ? "internal" : "bad_request"),
    message: error?.message ?? `HTTP ${response.status}`,
    status: response.status,
    issues: error?.issues ?? body?.issues ?? [],
  });
}

const query = (params: Record<string, string | number | null | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
};

/** GET /rooms: newest first; pass the previous page's `cursor` for the next one. */
export const listRooms = ({ limit, cursor }: { limit?: number; cursor?: string | null } = {}) =>
  request<RoomsPage>(`/rooms${query({ limit, cursor })}`);

/** POST /rooms. */
export const createRoom = ({ name }: { name: string }) =>
  request<{ room: Room }>("/rooms", { method: "POST", body: JSON.stringify({ name }) }).then(({ room }) => room);

/** GET /rooms/{roomId}: the room and its todos; 404 becomes an ApiError with code `not_found`. */
export const getRoom = ({ roomId }: { roomId: string }) => request<RoomWithTodos>(`/rooms/${encodeURIComponent(roomId)}`);

/** GET /rooms/{roomId}/messages: a page ending at the newest message (or just before `before`), oldest first. */
export const listMessages = ({ roomId, before, limit }: { roomId: string; before?: string | null; limit?: number }) =>
  request<MessagesPage>(`/rooms/${encodeURIComponent(roomId)}/messages${query({ limit, before })}`);
