/**
 * The route manifest: the single list of routes, read by the local API Gateway and by SST infra alike.
 * `module` is a path under packages/functions/src without extension; the handler is its `handler` export.
 */

/** A DynamoDB action as IAM names it, without `dynamodb:`. A transaction's items count as the ones they stand for. */
export type TableAction =
  | "GetItem"
  | "BatchGetItem"
  | "Query"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "ConditionCheckItem";

export interface RouteEntry {
  routeKey: string;
  module: string;
  /** Handlers that post to connections need the WebSocket management API; the others must not get it. */
  broadcasts: boolean;
  /** Handlers that also close other users' sockets (DeleteConnection) need DELETE on @connections. */
  closesConnections?: boolean;
  /**
   * Every DynamoDB action the handler's code calls, and no other: its whole table policy (infra/permissions.ts;
   * the local stack enforces it, so an e2e flow that needs one more fails). Rate-limited routes write their bucket
   * (UpdateItem); every route that posts to a socket may prune a gone one (DeleteItem).
   */
  table: readonly TableAction[];
  /** WebSocket routes whose broadcast may hand a large room's pages to the fan-out queue need SendMessage on it. */
  fansOut?: boolean;
  /** Handlers that schedule a delayed job on the fan-out queue (a removal's sweep) need it linked and SendMessage. */
  schedulesJobs?: boolean;
}

/**
 * Every HTTP route but `POST /sessions` requires `Authorization: Bearer <token>`, verified inside the handler
 * (packages/functions/src/middleware/authenticate.ts) with the stage's signing secret or its OIDC issuer.
 */
export const httpRoutes = [
  { routeKey: "POST /sessions", module: "http/create-session", broadcasts: false, table: ["UpdateItem"] },
  {
    routeKey: "POST /rooms",
    module: "http/create-room",
    broadcasts: false,
    table: ["PutItem", "UpdateItem"],
  },
  { routeKey: "GET /rooms", module: "http/list-rooms", broadcasts: false, table: ["Query"] },
  {
    routeKey: "GET /me/rooms",
    module: "http/list-my-rooms",
    broadcasts: false,
    table: ["Query", "BatchGetItem"],
  },
  {
    routeKey: "GET /rooms/{roomId}",
    module: "http/get-room",
    broadcasts: false,
    table: ["GetItem", "Query"],
  },
  {
    routeKey: "GET /rooms/{roomId}/messages",
    module: "http/list-messages",
    broadcasts: false,
    table: ["GetItem", "Query"],
  },
  {
    routeKey: "GET /rooms/{roomId}/members",
    module: "http/list-members",
    broadcasts: false,
    table: ["GetItem", "Query"],
  },
  {
    routeKey: "POST /rooms/{roomId}/tickets",
    module: "http/create-ticket",
    broadcasts: false,
    table: ["GetItem", "Query", "PutItem", "UpdateItem"],
  },
  {
    routeKey: "POST /rooms/{roomId}/invites",
    module: "http/create-invite",
    broadcasts: false,
    table: ["GetItem", "PutItem"],
  },
  {
    routeKey: "DELETE /rooms/{roomId}/invites",
    module: "http/revoke-invites",
    broadcasts: false,
    table: ["GetItem", "UpdateItem"],
  },
  // DeleteItem: accepting a newer invite lifts the user's removal.
  {
    routeKey: "POST /invites/{code}",
    module: "http/accept-invite",
    broadcasts: false,
    table: ["GetItem", "PutItem", "UpdateItem", "DeleteItem"],
  },
  {
    routeKey: "DELETE /rooms/{roomId}/members/{userId}",
    module: "http/remove-member",
    broadcasts: true,
    table: ["GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem"],
    closesConnections: true,
    schedulesJobs: true,
  },
] as const satisfies readonly RouteEntry[];

/**
 * What every frame does: reads its sender's record (GetItem), takes its frame token and refreshes the record's
 * expiry (UpdateItem), and prunes its own socket if a reply finds it gone (DeleteItem).
 */
const FRAME = ["GetItem", "UpdateItem", "DeleteItem"] as const satisfies readonly TableAction[];
/**
 * A frame that also queries the room (messages, members, the room's sockets on gsi1, a message by id); edits and
 * deletions of messages change items in place (UpdateItem) and delete reactions (DeleteItem), creating none.
 */
const ROOM_FRAME = [...FRAME, "Query"] as const satisfies readonly TableAction[];
/**
 * A frame that also creates items: a message, a todo and its position, a reaction, an idempotency claim (and any
 * todo frame may first give positions to todos stored before positions existed).
 */
const CREATING_FRAME = [...ROOM_FRAME, "PutItem"] as const satisfies readonly TableAction[];

export const webSocketRoutes = [
  // Stores the connection only while the membership exists (a ConditionCheck in the same transaction); the join
  // is announced by the table stream's presence worker (workers.ts), not here.
  // Query: the user's live sockets in the room (connectionsPerUserInRoom), beside the join; DeleteItem: the record
  // just stored, when that count says the user was already at the cap.
  {
    routeKey: "$connect",
    module: "ws/connect",
    broadcasts: false,
    table: ["GetItem", "Query", "PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"],
  },
  // Deletes the connection record; the presence worker announces the leave.
  { routeKey: "$disconnect", module: "ws/disconnect", broadcasts: false, table: ["DeleteItem"] },
  { routeKey: "$default", module: "ws/default", broadcasts: true, table: FRAME },
  {
    routeKey: "sendMessage",
    module: "ws/send-message",
    broadcasts: true,
    table: CREATING_FRAME,
    fansOut: true,
  },
  { routeKey: "addTodo", module: "ws/add-todo", broadcasts: true, table: CREATING_FRAME, fansOut: true },
  // Assigning a todo checks the assignee's membership in the same transaction.
  {
    routeKey: "updateTodo",
    module: "ws/update-todo",
    broadcasts: true,
    table: [...CREATING_FRAME, "ConditionCheckItem"],
    fansOut: true,
  },
  { routeKey: "moveTodo", module: "ws/move-todo", broadcasts: true, table: CREATING_FRAME, fansOut: true },
  {
    routeKey: "deleteTodo",
    module: "ws/delete-todo",
    broadcasts: true,
    table: CREATING_FRAME,
    fansOut: true,
  },
  { routeKey: "editMessage", module: "ws/edit-message", broadcasts: true, table: ROOM_FRAME, fansOut: true },
  {
    routeKey: "deleteMessage",
    module: "ws/delete-message",
    broadcasts: true,
    table: ROOM_FRAME,
    fansOut: true,
  },
  { routeKey: "react", module: "ws/react", broadcasts: true, table: CREATING_FRAME, fansOut: true },
  { routeKey: "sync", module: "ws/sync", broadcasts: true, table: ROOM_FRAME },
  // markRead and typing go to small rooms only, to the listing they read: never through the queue.
  { routeKey: "markRead", module: "ws/mark-read", broadcasts: true, table: ROOM_FRAME },
  { routeKey: "typing", module: "ws/typing", broadcasts: true, table: ROOM_FRAME },
  { routeKey: "ping", module: "ws/ping", broadcasts: true, table: FRAME },
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
