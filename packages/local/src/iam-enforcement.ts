import { AsyncLocalStorage } from "node:async_hooks";
import { DynamoDBClient } from "@rooms/core/dynamodb-client";
import { tableDefinition } from "@rooms/core/table";
import { httpRoutes, webSocketAuthorizer, webSocketRoutes } from "@rooms/functions/routes";
import { fanOutWorker, presenceWorker } from "@rooms/functions/workers";
import {
  authorizerPermissions,
  fanOutWorkerPermissions,
  MANAGE_CONNECTIONS_ACTION,
  type PermissionSpec,
  presenceWorkerPermissions,
  type RouteArns,
  routePermissions,
  WEBSOCKET_STAGE,
} from "../../../infra/permissions";

/**
 * IAM as the local stack enforces it. Each function (route, authorizer, worker) runs inside a context naming it;
 * every AWS SDK call a handler makes there is mapped to the IAM action(s) and resource(s) AWS would authorize, and
 * refused with an AccessDeniedException unless infra/permissions.ts grants them to that function. So every test
 * that exercises a function through the local stack also proves its computed policy suffices.
 * Calls made outside any function's context (tests, the stack's own setup) are not checked.
 */

/** The local stand-ins for the deploy-time ARNs infra passes to infra/permissions.ts. */
const arnPrefix = (service: string) => `arn:aws:${service}:local:000000000000`;
const EXECUTION_ARN = `${arnPrefix("execute-api")}:local`;
const tableArn = (table: string) => `${arnPrefix("dynamodb")}:table/${table}`;
const queueArn = (queueUrl: string) => `${arnPrefix("sqs")}:${new URL(queueUrl).pathname.split("/").pop()}`;

/** One function's policy: `action` → the resource patterns it is granted on (`*` matches anything). */
export type Grant = Map<string, RegExp[]>;

export interface GrantOptions {
  tableName: string;
  /** Actions to withhold from a function's computed policy, by route key or worker/authorizer name (tests). */
  revoke?: Record<string, string[]>;
}

/** Every function's policy, computed by infra/permissions.ts from the manifest exactly as infra does. */
export function computeGrants({ tableName, revoke = {} }: GrantOptions): Map<string, Grant> {
  const arns: Required<RouteArns<string>> = {
    tableArn: tableArn(tableName),
    indexNames: Object.keys(tableDefinition.globalIndexes),
    realtimeExecutionArn: EXECUTION_ARN,
    fanOutQueueArn: `${arnPrefix("sqs")}:${fanOutWorker.name}`,
  };
  const policies = new Map<string, PermissionSpec<string>[]>([
    ...httpRoutes.map((route) => [route.routeKey, routePermissions(route, "http", arns)] as const),
    ...webSocketRoutes.map((route) => [route.routeKey, routePermissions(route, "websocket", arns)] as const),
    [webSocketAuthorizer.name, authorizerPermissions(arns)],
    [presenceWorker.name, presenceWorkerPermissions(arns)],
    [fanOutWorker.name, fanOutWorkerPermissions(arns)],
  ]);
  for (const name of Object.keys(revoke)) {
    if (!policies.has(name)) throw new Error(`No function "${name}" to revoke actions from`);
  }
  const grants = new Map<string, Grant>();
  for (const [name, statements] of policies) {
    const grant: Grant = new Map();
    for (const { actions, resources } of statements) {
      for (const action of actions) {
        if (revoke[name]?.includes(action)) continue;
        grant.set(action, [
          ...(grant.get(action) ?? []),
          ...resources.map((parts) => pattern(parts.join(""))),
        ]);
      }
    }
    grants.set(name, grant);
  }
  return grants;
}

const pattern = (resource: string) =>
  new RegExp(`^${resource.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`);

/** The function running now, and its policy. */
interface Principal {
  name: string;
  grant: Grant;
}
const current = new AsyncLocalStorage<Principal>();
let grants: Map<string, Grant> | undefined;

/** Runs `fn` as function `name`: its SDK calls are checked against its policy (when enforcement is on). */
export function runAs<T>(name: string, fn: () => T): T {
  const grant = grants?.get(name);
  return grant ? current.run({ name, grant }, fn) : fn();
}

/** An AWS-like refusal (`name` AccessDeniedException), also kept in `accessDenials` for the stack's tests. */
export class AccessDeniedException extends Error {
  readonly $metadata = { httpStatusCode: 403 };
  constructor(principal: string, action: string, resource: string) {
    super(
      `User: arn:aws:sts::000000000000:assumed-role/local/${principal} is not authorized to perform: ` +
        `${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
    );
    this.name = "AccessDeniedException";
  }
}

export const accessDenials: AccessDeniedException[] = [];

/** What one SDK command asks IAM for: `[action, resource]` pairs. */
type Input = Record<string, unknown>;
function requested(clientName: string, command: string, input: Input): [string, string][] {
  const name = command.replace(/Command$/, "");
  if (clientName === "DynamoDBClient") {
    const on = (table: unknown, index?: unknown) =>
      `${tableArn(String(table))}${index === undefined ? "" : `/index/${String(index)}`}`;
    if (name === "TransactWriteItems" || name === "TransactGetItems") {
      // No action of its own: each item is authorized as the single-item call it stands for.
      const itemAction = {
        Put: "PutItem",
        Update: "UpdateItem",
        Delete: "DeleteItem",
        ConditionCheck: "ConditionCheckItem",
        Get: "GetItem",
      };
      return (input.TransactItems as Record<string, Input>[]).flatMap((item) =>
        Object.entries(itemAction)
          .filter(([kind]) => item[kind] !== undefined)
          .map(([kind, action]): [string, string] => [`dynamodb:${action}`, on(item[kind]?.TableName)]),
      );
    }
    if (name === "BatchGetItem" || name === "BatchWriteItem") {
      return Object.keys(input.RequestItems as Input).map((table) => [`dynamodb:${name}`, on(table)]);
    }
    return [[`dynamodb:${name}`, on(input.TableName, input.IndexName)]];
  }
  if (clientName === "ApiGatewayManagementApiClient") {
    const method = { PostToConnection: "POST", DeleteConnection: "DELETE", GetConnection: "GET" }[name];
    return [
      [
        MANAGE_CONNECTIONS_ACTION,
        `${EXECUTION_ARN}/${WEBSOCKET_STAGE}/${method ?? name}/@connections/${String(input.ConnectionId)}`,
      ],
    ];
  }
  if (clientName === "SQSClient") {
    // SendMessageBatch is authorized as SendMessage.
    const action = name === "SendMessageBatch" ? "SendMessage" : name;
    return [[`sqs:${action}`, queueArn(String(input.QueueUrl))]];
  }
  return [[`${clientName}:${name}`, "*"]];
}

function authorize(principal: Principal, clientName: string, command: string, input: Input) {
  for (const [action, resource] of requested(clientName, command, input)) {
    if (principal.grant.get(action)?.some((granted) => granted.test(resource))) continue;
    const denial = new AccessDeniedException(principal.name, action, resource);
    accessDenials.push(denial);
    throw denial;
  }
}

const ENFORCED = Symbol("localIamEnforcement");

/**
 * Turns enforcement on for this process with the given policies. Every AWS SDK client (they share one base
 * class) gets, on its first call, a middleware that authorizes each command made inside a function's context.
 */
export function enforceGrants(options: GrantOptions): void {
  grants = computeGrants(options);
  const base = Object.getPrototypeOf(DynamoDBClient.prototype) as {
    send: (this: EnforcedClient, ...args: unknown[]) => unknown;
    [ENFORCED]?: true;
  };
  if (base[ENFORCED]) return;
  base[ENFORCED] = true;
  const send = base.send;
  base.send = function (this: EnforcedClient, ...args: unknown[]) {
    if (!checkedClients.has(this)) {
      checkedClients.add(this);
      this.middlewareStack.add(
        (next, context) => async (request) => {
          const principal = current.getStore();
          if (principal)
            authorize(principal, context.clientName ?? "", context.commandName ?? "", request.input as Input);
          return next(request);
        },
        { step: "initialize", name: "localIamEnforcement", priority: "high" },
      );
    }
    return send.apply(this, args);
  };
}

/** Clients that already carry the middleware (the patched `send` is shared by every client). */
const checkedClients = new WeakSet<EnforcedClient>();

interface EnforcedClient {
  middlewareStack: DynamoDBClient["middlewareStack"];
}
