import type { Room, Visibility } from "@rooms/core/protocol";
import { bearer, createRoom, type Session } from "./room-session";

export interface HttpReply<T = any> {
  status: number;
  headers: Headers;
  /** The body as sent. */
  text: string;
  /** The body parsed as JSON; undefined if it is empty or not JSON. */
  json: T;
}

export interface CallOptions {
  /** Sent as JSON with `content-type: application/json`; a string is sent as given, with only the headers given. */
  body?: unknown;
  /** Added last: an `authorization` here replaces the session's. */
  headers?: Record<string, string>;
  /** Whose bearer token goes in `Authorization`: the client's session unless said (a raw token; null: none). */
  token?: Session | string | null;
}

/**
 * A small JSON client for the HTTP API at `baseUrl` (a test stack's `httpUrl`), calling as `session` unless a
 * call says otherwise. Used by the e2e tests, the reliability suite and anything else that speaks HTTP to a stack.
 */
export function httpClient(baseUrl: string, session?: Session) {
  const call = async (
    method: string,
    path: string,
    { body, headers = {}, token = session }: CallOptions = {},
  ): Promise<HttpReply> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token != null && bearer(token)),
        ...(body !== undefined && typeof body !== "string" && { "content-type": "application/json" }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };
  return {
    session,
    call,
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call("POST", path, { body, ...(headers && { headers }) }),
    delete: (path: string) => call("DELETE", path),
    /** The same request without any Authorization header. */
    anonymous: (method: string, path: string, body?: unknown) => call(method, path, { body, token: null }),
    /** `POST /rooms` as the session's user (public unless said otherwise); throws unless it is created. */
    createRoom(name: string, visibility?: Visibility): Promise<Room> {
      if (!session) throw new Error("createRoom needs a signed-in client");
      return createRoom(baseUrl, session, { name, ...(visibility && { visibility }) });
    },
  };
}

export type HttpClient = ReturnType<typeof httpClient>;
