import type { RouteEntry, TableAction } from "../packages/functions/src/routes";

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

/** What the workers call on reads: GetItem (incl. consistent reads) and Query (table and gsi1). No Scan. */
export const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:Query"];

/**
 * A route's table actions are the manifest's `table` list (routes.ts), exactly. TransactWriteItems has no IAM action
 * of its own: DynamoDB authorizes each item of a transaction as its Put/Update/Delete, and a condition check on
 * another item as ConditionCheckItem. No control plane (CreateTable, UpdateTimeToLive: the local stack's ensureTable
 * only), no Scan, no BatchWriteItem. Query alone also works on an index; every other action names items by the
 * table's key (BatchGetItem too), so it gets the table ARN only.
 */
export const INDEX_ACTION: TableAction = "Query";

/** The actions that only read: all a GET route of the HTTP API may be given. */
export const READ_ONLY_TABLE_ACTIONS: readonly TableAction[] = ["GetItem", "BatchGetItem", "Query"];

/**
 * The `$connect` authorizer's one call: it consumes the single-use ticket with DeleteItem (ReturnValues ALL_OLD),
 * so a ticket is accepted at most once even when two handshakes race. It reads nothing else and writes nothing else.
 */
export const AUTHORIZER_TABLE_ACTIONS = ["dynamodb:DeleteItem"];

/** The management calls core makes go through this one action; the method in the resource tells them apart. */
export const MANAGE_CONNECTIONS_ACTION = "execute-api:ManageConnections";

/**
 * HTTP methods of the @connections API. PostToConnection (POST) for every route that broadcasts; DeleteConnection
 * (DELETE) only for routes marked `closesConnections` in the manifest, and the fan-out worker (a removal's sweep).
 * GetConnection (GET) is granted to none.
 */
export const POST_TO_CONNECTION_METHOD = "POST";
export const DELETE_CONNECTION_METHOD = "DELETE";

/** The WebSocket API's only stage (SST names it `$default`; infra/realtime.ts pins the name). */
export const WEBSOCKET_STAGE = "$default";

export type RouteKind = "http" | "websocket";

/**
 * A route's table statements: the manifest's actions on the table, Query also on each index. A GET route of the
 * HTTP API listing anything but reads is a manifest error (GET routes only read).
 */
export function tableStatements<T>(
  route: RouteEntry,
  kind: RouteKind,
  { tableArn, indexNames }: Pick<RouteArns<T>, "tableArn" | "indexNames">,
): PermissionSpec<T>[] {
  const method = route.routeKey.split(" ")[0];
  const writes = route.table.filter((action) => !READ_ONLY_TABLE_ACTIONS.includes(action));
  if (kind === "http" && (method === "GET" || method === "HEAD") && writes.length > 0)
    throw new Error(`Route "${route.routeKey}" only reads, but the manifest gives it ${writes.join(", ")}`);
  const iam = (actions: readonly TableAction[]) => actions.map((action) => `dynamodb:${action}`);
  const byKey = route.table.filter((action) => action !== INDEX_ACTION);
  return [
    ...(byKey.length > 0 ? [{ actions: iam(byKey), resources: [[tableArn]] }] : []),
    ...(route.table.includes(INDEX_ACTION)
      ? [
          {
            actions: iam([INDEX_ACTION]),
            resources: [[tableArn], ...indexNames.map((index) => [tableArn, `/index/${index}`])],
          },
        ]
      : []),
  ];
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
 * The statements of one route's function: the table actions its manifest entry lists, @connections with exactly
 * the methods the route uses, SendMessage on the fan-out queue where it queues.
 */
export function routePermissions<T>(
  route: RouteEntry,
  kind: RouteKind,
  arns: RouteArns<T>,
): PermissionSpec<T>[] {
  const { realtimeExecutionArn, fanOutQueueArn } = arns;
  const statements = tableStatements(route, kind, arns);
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
  if (fanOutQueueArn !== undefined && usesFanOutQueue(route, kind)) {
    statements.push({ actions: [FAN_OUT_SEND_ACTION], resources: [[fanOutQueueArn]] });
  }
  return statements;
}

/**
 * Routes that send to the fan-out queue: WebSocket routes marked `fansOut` (a large room's pages) and routes marked
 * `schedulesJobs` (a removal's delayed sweep).
 */
export function usesFanOutQueue(route: RouteEntry, kind: RouteKind): boolean {
  return (kind === "websocket" && route.fansOut === true) || route.schedulesJobs === true;
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
 * takes the digest slot (UpdateItem), and may schedule the next such job (SendMessage on its own queue); for a
 * removal sweep it reads the membership (GetItem) and the user's connections (Query on gsi1), deletes their
 * records (DeleteItem) and closes their sockets (@connections DELETE). Receiving and deleting its messages is
 * granted by SST's subscriber component, on that queue only.
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
      resources: [POST_TO_CONNECTION_METHOD, DELETE_CONNECTION_METHOD].map((method) => [
        realtimeExecutionArn,
        `/${WEBSOCKET_STAGE}/${method}/@connections/*`,
      ]),
    },
    { actions: [FAN_OUT_SEND_ACTION], resources: [[fanOutQueueArn]] },
  ];
}
