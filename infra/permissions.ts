import type { RouteEntry } from "../packages/functions/src/routes";

/**
 * Every IAM statement a route handler gets, computed here and nowhere else. Pure (no SST globals): resources are
 * ARN *parts* (a deploy-time value such as the table ARN, then literal suffixes); infra joins them with `$concat`,
 * infra/test joins them with `join("")`.
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

/** What core calls on reads: GetItem (incl. consistent reads) and Query (table and gsi1). No Scan, no Batch*. */
export const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:Query"];

/**
 * What core calls on writes. TransactWriteItems has no IAM action of its own: DynamoDB authorizes each item's
 * Put/Update/Delete/ConditionCheck; core's transactions only hold Puts (claim + message/todo). No control plane
 * (CreateTable, UpdateTimeToLive: the local stack's ensureTable only), no BatchWriteItem.
 */
export const TABLE_WRITE_ACTIONS = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

/** The one management call core makes (PostToConnection = POST /@connections/{id}). */
export const MANAGE_CONNECTIONS_ACTION = "execute-api:ManageConnections";

/**
 * HTTP methods of the @connections API that broadcasting handlers use. PostToConnection only; add "DELETE"
 * (DeleteConnection) or "GET" (GetConnection) here if core starts calling them (infra/test checks core's imports).
 */
export const MANAGE_CONNECTIONS_METHODS = ["POST"] as const;

/** The WebSocket API's only stage (SST names it `$default`; infra/realtime.ts pins the name). */
export const WEBSOCKET_STAGE = "$default";

export type RouteKind = "http" | "websocket";
export type TableAccess = "read" | "read-write";

/** GET routes of the HTTP API only read; everything else (all WebSocket routes, POST) also writes. */
export function tableAccess(route: RouteEntry, kind: RouteKind): TableAccess {
  const method = route.routeKey.split(" ")[0];
  return kind === "http" && (method === "GET" || method === "HEAD") ? "read" : "read-write";
}

export interface RouteArns<T> {
  tableArn: T;
  /** Index names of the table (from core's definition): reads on them are listed one by one. */
  indexNames: readonly string[];
  /** `executionArn` of the WebSocket API (`arn:aws:execute-api:<region>:<account>:<apiId>`); only for broadcasters. */
  realtimeExecutionArn?: T;
}

/** The statements of one route's function: table reads, table writes unless read-only, @connections if it broadcasts. */
export function routePermissions<T>(route: RouteEntry, kind: RouteKind, arns: RouteArns<T>): PermissionSpec<T>[] {
  const { tableArn, indexNames, realtimeExecutionArn } = arns;
  const statements: PermissionSpec<T>[] = [
    {
      actions: [...TABLE_READ_ACTIONS],
      resources: [[tableArn], ...indexNames.map((index) => [tableArn, `/index/${index}`])],
    },
  ];
  if (tableAccess(route, kind) === "read-write") {
    statements.push({ actions: [...TABLE_WRITE_ACTIONS], resources: [[tableArn]] });
  }
  if (route.broadcasts) {
    if (realtimeExecutionArn === undefined) {
      throw new Error(`Route "${route.routeKey}" broadcasts but no WebSocket API was given to grant @connections on`);
    }
    statements.push({
      actions: [MANAGE_CONNECTIONS_ACTION],
      // `*` is the connection id, which only exists at run time; API, stage and method are fixed.
      resources: MANAGE_CONNECTIONS_METHODS.map((method) => [
        realtimeExecutionArn,
        `/${WEBSOCKET_STAGE}/${method}/@connections/*`,
      ]),
    });
  }
  return statements;
}
