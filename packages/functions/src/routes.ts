/**
 * The route manifest: the single list of routes, read by the local API Gateway and by SST infra alike.
 * `module` is a path under packages/functions/src without extension; the handler is its `handler` export.
 */
export interface RouteEntry {
  routeKey: string;
  module: string;
  /** Handlers that post to connections need the WebSocket management API; the others must not get it. */
  broadcasts: boolean;
}

export const httpRoutes = [
  { routeKey: "POST /rooms", module: "http/create-room", broadcasts: false },
  { routeKey: "GET /rooms", module: "http/list-rooms", broadcasts: false },
  { routeKey: "GET /rooms/{roomId}", module: "http/get-room", broadcasts: false },
  { routeKey: "GET /rooms/{roomId}/messages", module: "http/list-messages", broadcasts: false },
] as const satisfies readonly RouteEntry[];

export const webSocketRoutes = [
  { routeKey: "$connect", module: "ws/connect", broadcasts: true },
  { routeKey: "$disconnect", module: "ws/disconnect", broadcasts: true },
  { routeKey: "$default", module: "ws/default", broadcasts: true },
  { routeKey: "sendMessage", module: "ws/send-message", broadcasts: true },
  { routeKey: "addTodo", module: "ws/add-todo", broadcasts: true },
  { routeKey: "updateTodo", module: "ws/update-todo", broadcasts: true },
  { routeKey: "deleteTodo", module: "ws/delete-todo", broadcasts: true },
  { routeKey: "sync", module: "ws/sync", broadcasts: true },
  { routeKey: "ping", module: "ws/ping", broadcasts: true },
] as const satisfies readonly RouteEntry[];

/** SST's handler string for a route, relative to the repository root. */
export const sstHandler = (route: RouteEntry) => `packages/functions/src/${route.module}.handler`;
