import { randomBytes } from "node:crypto";
import type { Member, Message, Room, ServerFrame, Todo } from "@rooms/core/protocol";
import { inject } from "vitest";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "../../src/local-stack";
import { connectClient, type TestClient } from "./ws-test-client";


// The root config's testTimeout/hookTimeout do not reach projects (vitest 4 inline projects do not inherit them);
// a real stack on a loaded machine needs more than the 5 s default.

export type { Member, Message, Room, ServerFrame, Todo };
export type RoomClient = TestClient<ServerFrame>;

/** A stack on the run's shared in-memory DynamoDB Local, with a table of its own. */
export function startE2eStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // The handlers' one-line-per-invocation INFO logs drown test output; warnings and errors still show.
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  return startLocalStack({
    dynamodb: { endpoint: inject("dynamodbEndpoint") },
    tableName: `e2e-${randomBytes(4).toString("hex")}`,
    ...options,
  });
}

export interface HttpReply<T = any> {
  status: number;
  headers: Headers;
  json: T;
}

/** A small JSON client for the stack's HTTP API. */
export function httpApi(stack: LocalStack) {
  const call = async <T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpReply<T>> => {
    const response = await fetch(`${stack.httpUrl}${path}`, {
      method,
      headers: { ...(body !== undefined && { "content-type": "application/json" }), ...headers },
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
    call,
    get: <T = any>(path: string) => call<T>("GET", path),
    post: <T = any>(path: string, body: unknown, headers?: Record<string, string>) => call<T>("POST", path, body, headers),
    async createRoom(name: string): Promise<Room> {
      const reply = await call<{ room: Room }>("POST", "/rooms", { name });
      if (reply.status !== 201) throw new Error(`POST /rooms answered ${reply.status} ${JSON.stringify(reply.json)}`);
      return reply.json.room;
    },
  };
}

/** Joins a room as `name`. Once the handshake completed, $connect has stored the connection: broadcasts reach it. */
export async function joinRoom(stack: LocalStack, roomId: string, name: string): Promise<RoomClient> {
  return connectClient<ServerFrame>(stack.wsUrl, { roomId, name }, name);
}

let counter = 0;
/** A clientMessageId unique within the run. */
export const clientId = (prefix = "c") => `${prefix}-${Date.now().toString(36)}-${counter++}`;

/** A ULID-shaped id that no room has. */
export const UNKNOWN_ROOM_ID = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
