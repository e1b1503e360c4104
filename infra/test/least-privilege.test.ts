import { describe, expect, it } from "vitest";
import { httpRoutes, type RouteEntry, webSocketRoutes } from "../../packages/functions/src/routes";
import { queueWorkers, streamWorkers } from "../../packages/functions/src/workers";
import {
  connectionMethods,
  MANAGE_CONNECTIONS_ACTION,
  READ_ONLY_TABLE_ACTIONS,
  routePermissions,
  WEBSOCKET_STAGE,
} from "../permissions";
import { INDEX_NAMES, REALTIME, REALTIME_EXECUTION_ARN, recordWiring, TABLE_ARN } from "./support";
import { deployedFunctions, synthesize } from "./synthesize";

const wired = [
  ...recordWiring("http").calls.map((c) => ({ ...c, kind: "http" as const })),
  ...recordWiring("websocket").calls.map((c) => ({ ...c, kind: "websocket" as const })),
];
const stack = await synthesize();
const authorizer = stack.authorizers.Realtime![0]!.args.lambda;
/** Every function the stack deploys: the routes' and the `$connect` authorizer's. */
const functions = deployedFunctions(stack);
const manifest = new Map<string, RouteEntry>([...httpRoutes, ...webSocketRoutes].map((r) => [r.routeKey, r]));
const connections = (method: string) => `${REALTIME_EXECUTION_ARN}/$default/${method}/@connections/*`;
const actionsOf = (handler: { permissions: { actions: string[] }[] }) =>
  handler.permissions.flatMap((p) => p.actions);
/** The resources each action is granted on, for one function. */
const grantsOf = (handler: { permissions: { actions: string[]; resources: string[] }[] }) => {
  const grants = new Map<string, string[]>();
  for (const { actions, resources } of handler.permissions) {
    for (const action of actions) grants.set(action, [...(grants.get(action) ?? []), ...resources]);
  }
  return grants;
};

describe("every function's IAM statements", () => {
  it("use no wildcard action and no `*` resource (routes and the authorizer)", () => {
    expect(functions).toHaveLength(
      httpRoutes.length + webSocketRoutes.length + 1 + streamWorkers.length + queueWorkers.length,
    );
    for (const { name, handler } of functions) {
      for (const { actions, resources } of handler.permissions) {
        for (const action of actions)
          expect(action, name).toMatch(/^(dynamodb|execute-api|sqs):[A-Z][A-Za-z]+$/);
        for (const resource of resources) {
          expect(resource, name).not.toBe("*");
          expect(resource, name).toMatch(/^arn:aws:/);
        }
      }
    }
  });

  it("reach only this table and its listed indexes", () => {
    for (const { name, handler } of functions) {
      const dynamo = handler.permissions.filter((p) => p.actions.every((a) => a.startsWith("dynamodb:")));
      for (const resource of dynamo.flatMap((p) => p.resources)) {
        expect([TABLE_ARN, ...INDEX_NAMES.map((i) => `${TABLE_ARN}/index/${i}`)], name).toContain(resource);
      }
    }
  });

  it("grant each route exactly the table actions its manifest entry lists: on the table, Query also on gsi1", () => {
    for (const { routeKey, handler } of wired) {
      const dynamo = [...grantsOf(handler)].filter(([action]) => action.startsWith("dynamodb:"));
      const listed = manifest.get(routeKey)!.table;
      expect(dynamo.map(([action]) => action).sort(), routeKey).toEqual(
        listed.map((action) => `dynamodb:${action}`).sort(),
      );
      for (const [action, resources] of dynamo)
        expect(resources, `${routeKey} ${action}`).toEqual(
          action === "dynamodb:Query" ? [TABLE_ARN, `${TABLE_ARN}/index/gsi1`] : [TABLE_ARN],
        );
    }
  });

  it("let GET routes only read, and refuse a manifest that gives one a write", () => {
    for (const { routeKey, handler, kind } of wired.filter((c) => c.routeKey.startsWith("GET "))) {
      expect(kind).toBe("http");
      for (const action of actionsOf(handler))
        expect(
          READ_ONLY_TABLE_ACTIONS.map((a) => `dynamodb:${a}`),
          routeKey,
        ).toContain(action);
    }
    const writingGet: RouteEntry = {
      routeKey: "GET /x",
      module: "http/x",
      broadcasts: false,
      table: ["PutItem"],
    };
    expect(() =>
      routePermissions(writingGet, "http", { tableArn: TABLE_ARN, indexNames: INDEX_NAMES }),
    ).toThrow(/only reads, but the manifest gives it PutItem/);
  });

  it("give the routes the audit found over-granted only what their code calls", () => {
    const actions = (key: string) =>
      actionsOf(wired.find((c) => c.routeKey === key)!.handler)
        .filter((a) => a.startsWith("dynamodb:") || a.startsWith("sqs:"))
        .sort();
    // A guest session writes only its source IP's rate bucket.
    expect(actions("POST /sessions")).toEqual(["dynamodb:UpdateItem"]);
    expect(actions("$disconnect")).toEqual(["dynamodb:DeleteItem"]);
    // ping and $default: the sender's record, its frame bucket and expiry, a gone sender pruned.
    for (const key of ["ping", "$default"])
      expect(actions(key), key).toEqual(["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:UpdateItem"]);
    expect(actions("sync")).toEqual([
      "dynamodb:DeleteItem",
      "dynamodb:GetItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]);
    // Access (Get), the user's live sockets (Query), the ticket (Put), the rate bucket (Update).
    expect(actions("POST /rooms/{roomId}/tickets")).toEqual([
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:Query",
      "dynamodb:UpdateItem",
    ]);
    expect(actions("POST /rooms")).toEqual(["dynamodb:PutItem", "dynamodb:UpdateItem"]);
    expect(actions("DELETE /rooms/{roomId}/invites")).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
  });

  it("give BatchGetItem to GET /me/rooms and ConditionCheckItem to $connect and updateTodo alone", () => {
    const holders = (action: string) => wired.filter((c) => actionsOf(c.handler).includes(action));
    expect(holders("dynamodb:BatchGetItem").map((c) => c.routeKey)).toEqual(["GET /me/rooms"]);
    // $connect: the connection is stored only while the membership exists; updateTodo: the assignee is a member.
    expect(holders("dynamodb:ConditionCheckItem").map((c) => c.routeKey)).toEqual(["$connect", "updateTodo"]);
  });

  it("give DeleteItem to every route that posts to sockets (a gone one is pruned)", () => {
    for (const { routeKey, handler } of wired)
      if (manifest.get(routeKey)!.broadcasts)
        expect(actionsOf(handler), routeKey).toContain("dynamodb:DeleteItem");
  });

  it("grant @connections on this API's stage: POST to the routes that broadcast, DELETE also where they close sockets", () => {
    for (const { routeKey, handler } of wired) {
      const route = manifest.get(routeKey)!;
      const manage = handler.permissions.filter((p) => p.actions.includes(MANAGE_CONNECTIONS_ACTION));
      if (route.broadcasts) {
        const methods = route.closesConnections ? ["POST", "DELETE"] : ["POST"];
        expect(manage, routeKey).toEqual([
          { actions: [MANAGE_CONNECTIONS_ACTION], resources: methods.map(connections) },
        ]);
        expect(handler.link).toContain(REALTIME);
      } else {
        expect(manage, routeKey).toEqual([]);
        expect(handler.link).not.toContain(REALTIME);
      }
    }
    // The stage the statements name is the one the WebSocket API is deployed with.
    const realtime = stack.resources.find((r) => r.name === "Realtime")!;
    expect(realtime.args.transform.stage.name).toBe(WEBSOCKET_STAGE);
    // Only removing a member posts to sockets from the HTTP API, and only it may close them.
    const httpBroadcasters = recordWiring("http").calls.filter((c) => c.handler.link.includes(REALTIME));
    expect(httpBroadcasters.map((c) => c.routeKey)).toEqual(["DELETE /rooms/{roomId}/members/{userId}"]);
    const closers = wired.filter((c) =>
      grantsOf(c.handler).get(MANAGE_CONNECTIONS_ACTION)?.includes(connections("DELETE")),
    );
    expect(closers.map((c) => c.routeKey)).toEqual(["DELETE /rooms/{roomId}/members/{userId}"]);
  });

  it("grant no function Scan, BatchWriteItem or GetConnection", () => {
    // That the granted actions cover what each function calls is checked at run time: the local stack refuses
    // every AWS call outside the function's computed policy (packages/local/src/iam-enforcement.ts), so each e2e
    // test that exercises a function proves its grants suffice.
    const everything = functions.flatMap(({ handler }) =>
      handler.permissions.flatMap((p) => p.actions.flatMap((a) => p.resources.map((r) => `${a} ${r}`))),
    );
    for (const action of ["dynamodb:Scan", "dynamodb:BatchWriteItem"])
      expect(
        everything.filter((grant) => grant.startsWith(`${action} `)),
        action,
      ).toEqual([]);
    expect(everything).toContain(`${MANAGE_CONNECTIONS_ACTION} ${connections("POST")}`);
    expect(everything).not.toContain(`${MANAGE_CONNECTIONS_ACTION} ${connections("GET")}`);
  });

  it("give the $connect authorizer DeleteItem on the table and nothing else", () => {
    expect(authorizer.function.permissions).toEqual([
      { actions: ["dynamodb:DeleteItem"], resources: [TABLE_ARN] },
    ]);
  });

  it("refuse a manifest entry that closes sockets without broadcasting, or broadcasts without an API to post to", () => {
    const closer: RouteEntry = {
      routeKey: "DELETE /x",
      module: "http/x",
      broadcasts: false,
      closesConnections: true,
      table: [],
    };
    expect(() => connectionMethods(closer)).toThrow(/closes connections but is not marked broadcasts/);
    const broadcaster: RouteEntry = { routeKey: "POST /x", module: "http/x", broadcasts: true, table: [] };
    expect(() =>
      routePermissions(broadcaster, "http", { tableArn: TABLE_ARN, indexNames: INDEX_NAMES }),
    ).toThrow(/no WebSocket API/);
    expect(connectionMethods({ ...broadcaster, closesConnections: true })).toEqual(["POST", "DELETE"]);
    expect(connectionMethods({ ...broadcaster, broadcasts: false })).toEqual([]);
  });
});

describe("the synthesized stack", () => {
  /** Every key path in a value, e.g. "transform.stage.name". */
  const keyPaths = (value: unknown, prefix = ""): string[] =>
    typeof value !== "object" || value === null
      ? []
      : Object.entries(value).flatMap(([key, inner]) => [
          `${prefix}${key}`,
          ...keyPaths(inner, `${prefix}${key}.`),
        ]);

  it("grants IAM only through the functions' own statements: no component carries permissions or policies", () => {
    for (const { name, args } of stack.resources) {
      for (const path of keyPaths(args))
        expect(path, name).not.toMatch(/(^|\.)(permissions|policies|policy)$/);
    }
  });

  it("makes links carry names and URLs only, never permissions (`include`)", () => {
    const wraps = [...stack.linkWraps.entries()];
    expect(wraps.map(([component]) => component).sort()).toEqual([
      "sst.aws.ApiGatewayWebSocket",
      "sst.aws.Dynamo",
      "sst.aws.Queue",
    ]);
    const instance = { name: "n", url: "u", managementEndpoint: "m", arn: "a" };
    for (const [component, wrap] of wraps)
      expect(Object.keys(wrap(instance) as object), component).toEqual(["properties"]);
  });
});
