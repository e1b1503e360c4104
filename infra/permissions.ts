import type { RouteEntry } from "../packages/functions/src/routes";

/**
 * Every IAM statement a route handler (and the `$connect` authorizer) gets, computed here and nowhere else. Pure
 * (no SST globals): resources are ARN *parts* (a deploy-time value such as the table ARN, then literal suffixes);
 * infra joins them with `$concat`, infra/test joins them with `join("")`.
 *
 * SST's built-in links would grant `dynamodb:*` on `<table>` and `<table>/*`, and `execute-api:ManageConnections`
 * on every stage and method of the WebSocket API. infra/links.ts narrows those links to names only, so these
 * statements are the whole policy of each function (plus AWSLambdaBasicExecutionRole for its own logs).
 */
export type ArnParts<T> = readonly (T | string)[];

export interface PermissionSpec<T> {
  actions: string[];
  resources: ArnParts<T>[];
}

/** What core calls on reads: GetItem (incl. consistent reads) and Query (table and gsi1). No Scan. */
export const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:Query"];

/**
 * Reading many items by key in one call, for routes the manifest marks `batchReads` (`GET /me/rooms`: the caller's
 * rooms). BatchGetItem works on tables, never on an index, so it gets the table ARN only.
 */
export const BATCH_READ_ACTION = "dynamodb:BatchGetItem";

/** A transaction item that only checks a condition (updateTodo: the assignee is a member), on the table. */
export const CONDITION_CHECK_ACTION = "dynamodb:ConditionCheckItem";

/**
 * What core calls on writes. TransactWriteItems has no IAM action of its own: DynamoDB authorizes each item of a
 * transaction as its Put/Update/Delete, and a condition check on another item as ConditionCheckItem (only for
 * routes marked `checksItems`). No control plane (CreateTable, UpdateTimeToLive: the local stack's ensureTable only),
 * no BatchWriteItem.
 */
export const TABLE_WRITE_ACTIONS = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

/**
 * The `$connect` authorizer's one call: it consumes the single-use ticket with DeleteItem (ReturnValues ALL_OLD),
 * so a ticket is accepted at most once even when two handshakes race. It reads nothing else and writes nothing else.
 */
export const AUTHORIZER_TABLE_ACTIONS = ["dynamodb:DeleteItem"];

/** The management calls core makes go through this one action; the method in the resource tells them apart. */
export const MANAGE_CONNECTIONS_ACTION = "execute-api:ManageConnections";

/**
 * HTTP methods of the @connections API. PostToConnection (POST) for every route that broadcasts; DeleteConnection
 * (DELETE) only for routes marked `closesConnections` in the manifest. GetConnection (GET) is granted to none.
 */
export const POST_TO_CONNECTION_METHOD = "POST";
export const DELETE_CONNECTION_METHOD = "DELETE";

/** The WebSocket API's only stage (SST names it `$default`; infra/realtime.ts pins the name). */
export const WEBSOCKET_STAGE = "$default";

export type RouteKind = "http" | "websocket";
export type TableAccess = "read" | "read-write";

/** GET routes of the HTTP API only read; everything else (all WebSocket routes, POST, DELETE) also writes. */
export function tableAccess(route: RouteEntry, kind: RouteKind): TableAccess {
  const method = route.routeKey.split(" ")[0];
  return kind === "http" && (method === "GET" || method === "HEAD") ? "read" : "read-write";
}

/** The @connections methods a route's handler calls: none, POST, or POST and DELETE. */
export function connectionMethods(route: RouteEntry): string[] {
  if (route.closesConnections && !route.broadcasts) {
    throw new Error(
      `Route "${route.routeKey}" closes connections but is not marked broadcasts in the manifest`,
    );
  }
  if (!route.broadcasts) return [];
  return route.closesConnections
    ? [POST_TO_CONNECTION_METHOD, DELETE_CONNECTION_METHOD]
    : [POST_TO_CONNECTION_METHOD];
}

export interface RouteArns<T> {
  tableArn: T;
  /** Index names of the table (from core's definition): reads on them are listed one by one. */
  indexNames: readonly string[];
  /** `executionArn` of the WebSocket API (`arn:aws:execute-api:<region>:<account>:<apiId>`); only for broadcasters. */
  realtimeExecutionArn?: T;
  /** The fan-out queue's ARN: the WebSocket routes that broadcast may queue a large room's pages on it. */
  fanOutQueueArn?: T;
}

/**
 * The statements of one route's function: table reads (plus BatchGetItem where listed), table writes unless
 * read-only, @connections with exactly the methods the route uses.
 */
export function routePermissions<T>(
  route: RouteEntry,
  kind: RouteKind,
  arns: RouteArns<T>,
): PermissionSpec<T>[] {
  const { tableArn, indexNames, realtimeExecutionArn, fanOutQueueArn } = arns;
  const statements: PermissionSpec<T>[] = [
    {
      actions: [...TABLE_READ_ACTIONS],
      resources: [[tableArn], ...indexNames.map((index) => [tableArn, `/index/${index}`])],
    },
  ];
  if (route.batchReads) {
    statements.push({ actions: [BATCH_READ_ACTION], resources: [[tableArn]] });
  }
  if (route.checksItems) {
    statements.push({ actions: [CONDITION_CHECK_ACTION], resources: [[tableArn]] });
  }
  if (tableAccess(route, kind) === "read-write") {
    statements.push({ actions: [...TABLE_WRITE_ACTIONS], resources: [[tableArn]] });
  }
  const methods = connectionMethods(route);
  if (methods.length > 0) {
    if (realtimeExecutionArn === undefined) {
      throw new Error(
        `Route "${route.routeKey}" broadcasts but no WebSocket API was given to grant @connections on`,
      );
    }
    statements.push({
      actions: [MANAGE_CONNECTIONS_ACTION],
      // `*` is the connection id, which only exists at run time; API, stage and method are fixed.
      resources: methods.map((method) => [
        realtimeExecutionArn,
        `/${WEBSOCKET_STAGE}/${method}/@connections/*`,
      ]),
    });
  }
  if (fanOutQueueArn !== undefined && kind === "websocket" && route.broadcasts) {
    statements.push({ actions: [FAN_OUT_SEND_ACTION], resources: [[fanOutQueueArn]] });
  }
  return statements;
}

/** The `$connect` authorizer's whole policy: DeleteItem on the table (the ticket), nothing on indexes or sockets. */
export function authorizerPermissions<T>({ tableArn }: Pick<RouteArns<T>, "tableArn">): PermissionSpec<T>[] {
  return [{ actions: [...AUTHORIZER_TABLE_ACTIONS], resources: [[tableArn]] }];
}

/**
 * The presence worker's writes: UpdateItem (the room's presence marker: queue, claim the digest slot) and
 * DeleteItem (a connection its announcement found gone). It creates nothing else.
 */
export const PRESENCE_WRITE_ACTIONS = ["dynamodb:UpdateItem", "dynamodb:DeleteItem"];

/**
 * The presence worker's policy (the table stream's subscriber): reads the room's connections on gsi1, writes the
 * marker and prunes gone connections, posts to sockets, and schedules a large room's delayed digest job on the
 * fan-out queue (SendMessage, that queue only). Reading the stream itself (DescribeStream, GetRecords,
 * GetShardIterator, ListStreams on the stream's ARN only) is granted by SST's subscriber component.
 */
export function presenceWorkerPermissions<T>({
  tableArn,
  indexNames,
  realtimeExecutionArn,
  fanOutQueueArn,
}: Required<RouteArns<T>>): PermissionSpec<T>[] {
  return [
    {
      actions: [...TABLE_READ_ACTIONS],
      resources: [[tableArn], ...indexNames.map((index) => [tableArn, `/index/${index}`])],
    },
    { actions: [...PRESENCE_WRITE_ACTIONS], resources: [[tableArn]] },
    {
      actions: [MANAGE_CONNECTIONS_ACTION],
      resources: [[realtimeExecutionArn, `/${WEBSOCKET_STAGE}/${POST_TO_CONNECTION_METHOD}/@connections/*`]],
    },
    { actions: [FAN_OUT_SEND_ACTION], resources: [[fanOutQueueArn]] },
  ];
}

/** Queueing a large room's fan-out pages (SendMessageBatch is authorized as SendMessage). */
export const FAN_OUT_SEND_ACTION = "sqs:SendMessage";

/**
 * The fan-out worker's policy (the fan-out queue's subscriber): posts to sockets and deletes a connection it finds
 * gone; for a delayed presence digest it also reads the room's marker (GetItem) and connections (Query on gsi1),
 * takes the digest slot (UpdateItem), and may schedule the next such job (SendMessage on its own queue). Receiving
 * and deleting its messages is granted by SST's subscriber component, on that queue only.
 */
export function fanOutWorkerPermissions<T>({
  tableArn,
  indexNames,
  realtimeExecutionArn,
  fanOutQueueArn,
}: Required<RouteArns<T>>): PermissionSpec<T>[] {
  return [
    {
      actions: [...TABLE_READ_ACTIONS],
      resources: [[tableArn], ...indexNames.map((index) => [tableArn, `/index/${index}`])],
    },
    { actions: [...PRESENCE_WRITE_ACTIONS], resources: [[tableArn]] },
    {
      actions: [MANAGE_CONNECTIONS_ACTION],
      resources: [[realtimeExecutionArn, `/${WEBSOCKET_STAGE}/${POST_TO_CONNECTION_METHOD}/@connections/*`]],
    },
    { actions: [FAN_OUT_SEND_ACTION], resources: [[fanOutQueueArn]] },
  ];
}
