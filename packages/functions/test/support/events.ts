import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyWebsocketEventV2,
  APIGatewayRequestAuthorizerEvent,
} from "aws-lambda";
import type { httpRoutes } from "../../src/routes";
import createRoom from "../events/apigw-http/create-room.json" with { type: "json" };
import getRoom from "../events/apigw-http/get-room.json" with { type: "json" };
import listMessages from "../events/apigw-http/list-messages.json" with { type: "json" };
import listRooms from "../events/apigw-http/list-rooms.json" with { type: "json" };
import authorize from "../events/apigw-websocket/authorize.json" with { type: "json" };
import connect from "../events/apigw-websocket/connect.json" with { type: "json" };
import disconnect from "../events/apigw-websocket/disconnect.json" with { type: "json" };
import message from "../events/apigw-websocket/message.json" with { type: "json" };

/** Fixtures are real API Gateway events; every test gets its own deep copy to change. */
const clone = <T>(fixture: T): T => structuredClone(fixture);

export type HttpRouteKey = (typeof httpRoutes)[number]["routeKey"];

/** Routes with a recorded event of their own; the others are made from one of the same method. */
const httpFixtures: Partial<Record<HttpRouteKey, unknown>> = {
  "POST /rooms": createRoom,
  "GET /rooms": listRooms,
  "GET /rooms/{roomId}": getRoom,
  "GET /rooms/{roomId}/messages": listMessages,
};

export interface HttpEventOptions {
  roomId?: string;
  /** Other path parameters (`userId`, `code`). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. `null` removes the body. */
  body?: unknown;
  /** Sent as `authorization: Bearer <token>` (API Gateway lower-cases header names in payload v2). */
  token?: string;
  headers?: Record<string, string>;
}

/**
 * An HTTP API payload v2 event for a route, with path, query string and body kept consistent. A route without
 * a recorded event starts from a recorded one of the same method, with no body, query or path parameters.
 */
export function httpEvent(
  route: HttpRouteKey,
  { roomId, params, query, body, token, headers }: HttpEventOptions = {},
) {
  const [method, template] = route.split(" ") as [string, string];
  const recorded = httpFixtures[route];
  const event = clone(recorded ?? (method === "POST" ? createRoom : getRoom)) as APIGatewayProxyEventV2;
  if (!recorded) {
    event.routeKey = route;
    event.requestContext.routeKey = route;
    event.requestContext.http.method = method;
    event.rawQueryString = "";
    delete event.body;
    delete event.pathParameters;
    delete event.queryStringParameters;
    delete event.headers["content-type"];
    delete event.headers["content-length"];
  }
  const pathParameters: Record<string, string> = { ...(roomId !== undefined && { roomId }), ...params };
  if (!recorded || Object.keys(pathParameters).length) {
    if (Object.keys(pathParameters).length) event.pathParameters = pathParameters;
    event.rawPath = template.replace(/\{(\w+)\}/g, (whole, key: string) =>
      pathParameters[key] === undefined ? whole : encodeURIComponent(pathParameters[key]),
    );
    event.requestContext.http.path = event.rawPath;
  }
  if (query !== undefined) {
    event.rawQueryString = new URLSearchParams(query).toString();
    if (Object.keys(query).length) event.queryStringParameters = query;
    else delete event.queryStringParameters;
  }
  if (body === null) delete event.body;
  else if (body !== undefined) {
    event.body = typeof body === "string" ? body : JSON.stringify(body);
    event.headers["content-type"] ??= "application/json";
  }
  if (event.body !== undefined) event.headers["content-length"] = String(Buffer.byteLength(event.body));
  else delete event.headers["content-length"];
  if (token !== undefined) event.headers.authorization = `Bearer ${token}`;
  Object.assign(event.headers, headers);
  return event;
}

/** What the ticket authorizer hands to `$connect` (its `context`, plus the principal). */
export interface AuthorizerContext {
  userId: string;
  name: string;
  roomId: string;
}

/**
 * A `$connect` event as API Gateway sends it after the ticket authorizer allowed the handshake:
 * `requestContext.authorizer` carries the principal and the ticket's claims. `authorizer: null` leaves it out
 * (no authorizer ran); anything else is used as is.
 */
export function wsConnectEvent(
  connectionId: string,
  authorizer: AuthorizerContext | Record<string, unknown> | null,
) {
  const event = clone(connect) as unknown as APIGatewayProxyWebsocketEventV2 & {
    queryStringParameters?: Record<string, string>;
    requestContext: { authorizer?: Record<string, unknown> };
  };
  event.requestContext.connectionId = connectionId;
  if (authorizer === null) delete event.requestContext.authorizer;
  else
    event.requestContext.authorizer = {
      principalId: authorizer.userId,
      integrationLatency: 41,
      ...authorizer,
    };
  return event;
}

/** The REQUEST authorizer event for a `$connect` with this query string (`?ticket=…`); `null`: no query at all. */
export function wsAuthorizerEvent(connectionId: string, query: Record<string, string> | null) {
  const event = clone(authorize) as unknown as APIGatewayRequestAuthorizerEvent;
  event.requestContext.connectionId = connectionId;
  event.queryStringParameters = query;
  event.multiValueQueryStringParameters =
    query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]));
  return event;
}

const routedActions = new Set([
  "sendMessage",
  "addTodo",
  "updateTodo",
  "moveTodo",
  "deleteTodo",
  "sync",
  "ping",
]);

/**
 * A MESSAGE event carrying `frame` (an object is sent as JSON, a string as is), routed the way API Gateway's
 * `$request.body.action` selection would: a known action to its route, anything else to `$default`. With
 * `authorizer`, the event carries it as API Gateway attaches the `$connect` authorizer's context to every event
 * of the connection (with the principal); without, it carries none.
 */
export function wsMessageEvent(connectionId: string, frame: unknown, authorizer?: AuthorizerContext) {
  const event = clone(message) as APIGatewayProxyWebsocketEventV2 & {
    requestContext: { authorizer?: Record<string, unknown> };
  };
  if (authorizer) event.requestContext.authorizer = { principalId: authorizer.userId, ...authorizer };
  const action =
    typeof frame === "object" && frame !== null ? (frame as { action?: unknown }).action : undefined;
  event.requestContext.connectionId = connectionId;
  event.requestContext.routeKey =
    typeof action === "string" && routedActions.has(action) ? action : "$default";
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
export function atDomain<E extends { requestContext: { domainName: string; stage: string } }>(
  event: E,
  domainName: string,
  stage: string,
): E {
  event.requestContext.domainName = domainName;
  event.requestContext.stage = stage;
  return event;
}
