/**
 * The route manifest: the single list of routes, read by the local API Gateway and by SST infra alike.
 * `module` is a path under packages/functions/src without extension; the handler is its `handler` export.
 */
export interface RouteEntry {
  routeKey: string;
  module: string;
  /** Handlers that post to connections need the WebSocket management API; the others must not get it. */
  broadcasts: boolean;
  /** Handlers that also close other users' sockets (DeleteConnection) need DELETE on @connections. */
  closesConnections?: boolean;
  /** Handlers that read many items by key in one call (BatchGetItem) need that action. */
  batchReads?: boolean;
  /** Handlers whose transactions check another item's condition (ConditionCheckItem) need that action. */
  checksItems?: boolean;
}

/**
 * Every HTTP route but `POST /sessions` requires `Authorization: Bearer <token>`, verified inside the handler
 * (packages/functions/src/middleware/authenticate.ts) with the stage's signing secret or its OIDC issuer.
 */
export const httpRoutes = [
  { routeKey: "POST /sessions", module: "http/create-session", broadcasts: false },
  { routeKey: "POST /rooms", module: "http/create-room", broadcasts: false },
  { routeKey: "GET /rooms", module: "http/list-rooms", broadcasts: false },
  { routeKey: "GET /me/rooms", module: "http/list-my-rooms", broadcasts: false, batchReads: true },
  { routeKey: "GET /rooms/{roomId}", module: "http/get-room", broadcasts: false },
  { routeKey: "GET /rooms/{roomId}/messages", module: "http/list-messages", broadcasts: false },
  { routeKey: "GET /rooms/{roomId}/members", module: "http/list-members", broadcasts: false },
  { routeKey: "POST /rooms/{roomId}/tickets", module: "http/create-ticket", broadcasts: false },
  { routeKey: "POST /rooms/{roomId}/invites", module: "http/create-invite", broadcasts: false },
  { routeKey: "DELETE /rooms/{roomId}/invites", module: "http/revoke-invites", broadcasts: false },
  { routeKey: "POST /invites/{code}", module: "http/accept-invite", broadcasts: false },
  {
    routeKey: "DELETE /rooms/{roomId}/members/{userId}",
    module: "http/remove-member",
    broadcasts: true,
    closesConnections: true,
  },
] as const satisfies readonly RouteEntry[];

export const webSocketRoutes = [
  // Stores the connection only while the membership exists (a ConditionCheck in the same transaction); the join
  // is announced by the table stream's presence worker (workers.ts), not here.
  { routeKey: "$connect", module: "ws/connect", broadcasts: false, checksItems: true },
  // Deletes the connection record; the presence worker announces the leave.
  { routeKey: "$disconnect", module: "ws/disconnect", broadcasts: false },
  { routeKey: "$default", module: "ws/default", broadcasts: true },
  { routeKey: "sendMessage", module: "ws/send-message", broadcasts: true },
  { routeKey: "addTodo", module: "ws/add-todo", broadcasts: true },
  // Assigning a todo checks the assignee's membership in the same transaction.
  { routeKey: "updateTodo", module: "ws/update-todo", broadcasts: true, checksItems: true },
  { routeKey: "moveTodo", module: "ws/move-todo", broadcasts: true },
  { routeKey: "deleteTodo", module: "ws/delete-todo", broadcasts: true },
  { routeKey: "editMessage", module: "ws/edit-message", broadcasts: true },
  { routeKey: "deleteMessage", module: "ws/delete-message", broadcasts: true },
  { routeKey: "react", module: "ws/react", broadcasts: true },
  { routeKey: "sync", module: "ws/sync", broadcasts: true },
  { routeKey: "markRead", module: "ws/mark-read", broadcasts: true },
  { routeKey: "typing", module: "ws/typing", broadcasts: true },
  { routeKey: "ping", module: "ws/ping", broadcasts: true },
] as const satisfies readonly RouteEntry[];

/**
 * The `$connect` REQUEST authorizer (AWS runs it on `$connect` only). It consumes the single-use ticket named
 * by `?ticket=`; API Gateway refuses the handshake with 401 before invoking it when the query key is missing.
 * What it returns in `context` ({userId, name, roomId}, flat strings) reaches `$connect` and every later route as
 * `requestContext.authorizer`, so no frame re-reads what the ticket said.
 */
export interface AuthorizerEntry {
  name: string;
  module: string;
  /** API Gateway identity sources, e.g. `route.request.querystring.ticket`. */
  identitySources: readonly string[];
}

export const webSocketAuthorizer = {
  name: "TicketAuthorizer",
  module: "ws/authorize",
  identitySources: ["route.request.querystring.ticket"],
} as const satisfies AuthorizerEntry;

/** SST's handler string for a route, relative to the repository root. */
export const sstHandler = (route: { module: string }) => `packages/functions/src/${route.module}.handler`;
