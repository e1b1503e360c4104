import type { APIGatewayProxyEventV2, APIGatewayProxyWebsocketEventV2 } from "aws-lambda";
import createRoom from "../events/apigw-http/create-room.json" with { type: "json" };
import getRoom from "../events/apigw-http/get-room.json" with { type: "json" };
import listMessages from "../events/apigw-http/list-messages.json" with { type: "json" };
import listRooms from "../events/apigw-http/list-rooms.json" with { type: "json" };
import connect from "../events/apigw-websocket/connect.json" with { type: "json" };
import disconnect from "../events/apigw-websocket/disconnect.json" with { type: "json" };
import message from "../events/apigw-websocket/message.json" with { type: "json" };

/** Fixtures are real API Gateway events; every test gets its own deep copy to change. */
const clone = <T>(fixture: T): T => structuredClone(fixture);

const httpFixtures = {
  "POST /rooms": createRoom,
  "GET /rooms": listRooms,
  "GET /rooms/{roomId}": getRoom,
  "GET /rooms/{roomId}/messages": listMessages,
} as const;

export interface HttpEventOptions {
  roomId?: string;
  query?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. `null` removes the body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** An HTTP API payload v2 event for a route, with path, query string and body kept consistent. */
export function httpEvent(route: keyof typeof httpFixtures, { roomId, query, body, headers }: HttpEventOptions = {}) {
  const event = clone(httpFixtures[route]) as APIGatewayProxyEventV2;
  if (roomId !== undefined) {
    event.pathParameters = { roomId };
    event.rawPath = route.replace("{roomId}", encodeURIComponent(roomId)).replace(/^[A-Z]+ /, "");
    event.requestContext.http.path = event.rawPath;
  }
  if (query !== undefined) {
    event.rawQueryString = new URLSearchParams(query).toString();
    if (Object.keys(query).length) event.queryStringParameters = query;
    else delete event.queryStringParameters;
  }
  if (body === null) delete event.body;
  else if (body !== undefined) event.body = typeof body === "string" ? body : JSON.stringify(body);
  if (event.body !== undefined) event.headers["content-length"] = String(Buffer.byteLength(event.body));
  Object.assign(event.headers, headers);
  return event;
}

/** A `$connect` event for `?roomId&name` (omit a key to leave it out of the query). */
export function wsConnectEvent(connectionId: string, query: Record<string, string>) {
  const event = clone(connect) as unknown as APIGatewayProxyWebsocketEventV2 & {
    queryStringParameters?: Record<string, string>;
    multiValueQueryStringParameters?: Record<string, string[]>;
  };
  event.requestContext.connectionId = connectionId;
  event.queryStringParameters = query;
  event.multiValueQueryStringParameters = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]));
  return event;
}

const routedActions = new Set(["sendMessage", "addTodo", "updateTodo", "deleteTodo", "sync", "ping"]);

/**
 * A MESSAGE event carrying `frame` (an object is sent as JSON, a string as is), routed the way API Gateway's
 * `$request.body.action` selection would: a known action to its route, anything else to `$default`.
 */
export function wsMessageEvent(connectionId: string, frame: unknown) {
  const event = clone(message) as APIGatewayProxyWebsocketEventV2;
  const action = typeof frame === "object" && frame !== null ? (frame as { action?: unknown }).action : undefined;
  event.requestContext.connectionId = connectionId;
  event.requestContext.routeKey = typeof action === "string" && routedActions.has(action) ? action : "$default";
  event.body = typeof frame === "string" ? frame : JSON.stringify(frame);
  return event;
}

/** A `$disconnect` event (client went away, 1001). */
export function wsDisconnectEvent(connectionId: string) {
  const event = clone(disconnect) as unknown as APIGatewayProxyWebsocketEventV2;
  event.requestContext.connectionId = connectionId;
  return event;
}

/** Points a WebSocket event at the local fake (for the fallback from the event's domainName and stage). */
export function atDomain<E extends { requestContext: { domainName: string; stage: string } }>(event: E, domainName: string, stage: string): E {
  event.requestContext.domainName = domainName;
  event.requestContext.stage = stage;
  return event;
}
