import { type RouteEntry, httpRoutes, sstHandler, webSocketRoutes } from "../packages/functions/src/routes";
import { type ArnParts, type PermissionSpec, type RouteArns, type RouteKind, routePermissions } from "./permissions";

/**
 * The arguments of every route's Lambda, built from the route manifest. Pure (no SST globals): links are passed
 * in as opaque values, so infra/test can call this with stand-ins and check what each route gets.
 */

/** Shared by every handler. Node 22 (no SDK support warning, unlike 20), arm64 (about 20% cheaper per GB-s). */
export const FUNCTION_DEFAULTS = {
  runtime: "nodejs22.x",
  architecture: "arm64",
  logging: { retention: "1 month" },
} as const;

export interface Sizing {
  memory: `${number} MB`;
  timeout: `${number} second` | `${number} seconds`;
}

/**
 * Lambda gives CPU in proportion to memory, and these handlers are bound by init (SDK clients, ElectroDB, zod)
 * and by network round trips, not by RAM: 512 MB where a user waits on a fan-out or a large reply, 256 MB where
 * one small reply (or nobody) waits.
 *
 * Timeouts: a broadcast posts with 32 in flight, each post has its own 3 s timeout and up to 3 retries of a
 * throttled/5xx answer with backoff capped per wait (core/src/broadcast), so the worst single connection costs
 * about 4 x 3 s + 0.7 s. 15 s covers that plus the reads and stays under API Gateway's 29 s integration limit;
 * past it the caller has given up anyway, and a shorter ceiling bounds what a hung invocation can bill.
 */
const fanOut: Sizing = { memory: "512 MB", timeout: "15 seconds" };
const singleReply: Sizing = { memory: "256 MB", timeout: "10 seconds" };

type HttpRouteKey = (typeof httpRoutes)[number]["routeKey"];
type WebSocketRouteKey = (typeof webSocketRoutes)[number]["routeKey"];

/** Keyed by the manifest's route keys: a route added to the manifest without a size here fails `tsc`. */
export const webSocketSizing: Record<WebSocketRouteKey, Sizing> = {
  // The handshake waits on it: GetItem room + PutItem connection + memberJoined to the room.
  $connect: fanOut,
  // Nobody waits (API Gateway fires and forgets), but it announces memberLeft to the whole room.
  $disconnect: { memory: "256 MB", timeout: "15 seconds" },
  // An error frame to the sender only.
  $default: singleReply,
  sendMessage: fanOut,
  addTodo: fanOut,
  updateTodo: fanOut,
  deleteTodo: fanOut,
  // Room + todos + members + a page of messages, up to a 128 KB frame to one client.
  sync: fanOut,
  // A GetItem, at most one UpdateItem (expiry refresh) and a pong.
  ping: singleReply,
};

/** One Get/Query/Put each; the browser waits, so the same short budget for all. */
export const httpSizing: Record<HttpRouteKey, Sizing> = {
  "POST /rooms": { memory: "256 MB", timeout: "10 seconds" },
  "GET /rooms": { memory: "256 MB", timeout: "10 seconds" },
  "GET /rooms/{roomId}": { memory: "256 MB", timeout: "10 seconds" },
  "GET /rooms/{roomId}/messages": { memory: "256 MB", timeout: "10 seconds" },
};

export function routeSizing(route: RouteEntry, kind: RouteKind): Sizing {
  const sizing = kind === "http" ? httpSizing[route.routeKey as HttpRouteKey] : webSocketSizing[route.routeKey as WebSocketRouteKey];
  if (!sizing) throw new Error(`No memory/timeout for ${kind} route "${route.routeKey}" in infra/function-args.ts`);
  return sizing;
}

export interface RouteLinks<L> {
  /** The table: gives the handler `Resource.Table.name`. */
  table: L;
  /** The WebSocket API: gives `Resource.Realtime.managementEndpoint`; linked to broadcasting routes only. */
  realtime?: L;
}

export interface RouteFunctionArgs<L, T> extends Sizing {
  handler: string;
  runtime: (typeof FUNCTION_DEFAULTS)["runtime"];
  architecture: (typeof FUNCTION_DEFAULTS)["architecture"];
  logging: { retention: (typeof FUNCTION_DEFAULTS)["logging"]["retention"] };
  link: L[];
  permissions: PermissionSpec<T>[];
}

/** Everything one route's function is created with: handler, runtime, size, links and IAM statements. */
export function routeFunctionArgs<L, T>(
  route: RouteEntry,
  kind: RouteKind,
  { links, arns }: { links: RouteLinks<L>; arns: RouteArns<T> },
): RouteFunctionArgs<L, T> {
  if (route.broadcasts && links.realtime === undefined) {
    throw new Error(`Route "${route.routeKey}" broadcasts but no WebSocket API was given to link`);
  }
  return {
    handler: sstHandler(route),
    ...FUNCTION_DEFAULTS,
    logging: { ...FUNCTION_DEFAULTS.logging },
    ...routeSizing(route, kind),
    link: route.broadcasts ? [links.table, links.realtime as L] : [links.table],
    permissions: routePermissions(route, kind, arns),
  };
}

/** The routes each API wires, straight from the manifest: infra lists no route of its own. */
export const routesOf = { http: httpRoutes, websocket: webSocketRoutes } as const satisfies Record<
  RouteKind,
  readonly RouteEntry[]
>;

/** A route's function arguments with each ARN joined into one value (an Output in infra, a string in tests). */
export type WiredHandler<L, R> = Omit<RouteFunctionArgs<L, never>, "permissions"> & {
  permissions: { actions: string[]; resources: R[] }[];
};

/** The part of `sst.aws.ApiGatewayV2` / `sst.aws.ApiGatewayWebSocket` that wiring uses. */
export interface RouteTarget<H> {
  // A property, not a method: parameters are then checked strictly, so SST's route() must accept H as it is.
  route: (routeKey: string, handler: H) => unknown;
}

/**
 * Adds every manifest route of one kind to an API: `api.route(routeKey, args)` once per route, in manifest order.
 * infra/api.ts and infra/realtime.ts call only this; infra/test calls it with a recording fake.
 */
export function wireRoutes<L, T, R>(
  target: RouteTarget<WiredHandler<L, R>>,
  kind: RouteKind,
  { links, arns, joinArn }: { links: RouteLinks<L>; arns: RouteArns<T>; joinArn: (parts: ArnParts<T>) => R },
): string[] {
  return routesOf[kind].map((route) => {
    const { permissions, ...args } = routeFunctionArgs(route, kind, { links, arns });
    target.route(route.routeKey, {
      ...args,
      permissions: permissions.map(({ actions, resources }) => ({ actions, resources: resources.map(joinArn) })),
    });
    return route.routeKey;
  });
}
