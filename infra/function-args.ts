import {
  type AuthorizerEntry,
  httpRoutes,
  type RouteEntry,
  sstHandler,
  webSocketAuthorizer,
  webSocketRoutes,
} from "../packages/functions/src/routes";
import { type FunctionFamily, familyOf } from "./limits-config";
import {
  type ArnParts,
  authorizerPermissions,
  type PermissionSpec,
  type RouteArns,
  type RouteKind,
  routePermissions,
  usesFanOutQueue,
} from "./permissions";

/**
 * The arguments of every route's Lambda, built from the route manifest. Pure (no SST globals): links are passed
 * in as opaque values, so infra/test can call this with stand-ins and check what each route gets.
 */

/**
 * How SST bundles every handler (its `nodejs` argument). SST 4.17 runs esbuild for one ESM file: platform node,
 * target ES2023 for nodejs22.x, mainFields module,main, every dependency inlined (the AWS SDK too), a createRequire
 * banner, and function names kept (`__name(...)` wrappers) unless `esbuild.keepNames` is false. Its builder reads
 * `minify` as a plain boolean, so it is set here rather than left to a default. Names are not kept: nothing here
 * decides anything by a function's or class's `.name` (errors reach clients and logs by `code`), and they cost
 * about 10 KB gzip per handler. bench/support/lambda-bundle.ts builds the coldstart bench's bundles from this
 * object, so what the bench measures is what is deployed.
 */
export const LAMBDA_BUNDLING = {
  format: "esm",
  minify: true,
  esbuild: { keepNames: false },
} as const;

/** Shared by every handler. Node 22 (no SDK support warning, unlike 20), arm64 (about 20% cheaper per GB-s). */
export const FUNCTION_DEFAULTS = {
  runtime: "nodejs22.x",
  architecture: "arm64",
  logging: { retention: "1 month" },
  nodejs: LAMBDA_BUNDLING,
} as const;

/** A fresh copy of LAMBDA_BUNDLING per function, as `logging` is. */
const bundling = () => ({ ...LAMBDA_BUNDLING, esbuild: { ...LAMBDA_BUNDLING.esbuild } });

export interface Sizing {
  memory: `${number} MB`;
  timeout: `${number} second` | `${number} seconds`;
}

/**
 * Lambda gives CPU in proportion to memory, and these handlers are bound by init (SDK clients, ElectroDB, zod)
 * and by network round trips, not by RAM: 512 MB where a user waits on a fan-out or a large reply, 256 MB where
 * one small reply (or nobody) waits.
 *
 * Timeouts: a broadcast posts with 32 in flight, each post has its own 3 s timeout, a 5xx answer is retried up to
 * 3 times and a throttled one for up to 5 s (INLINE_THROTTLE_BUDGET_MS), with backoff capped per wait
 * (core/src/broadcast/send-with-retry.ts), so the worst single connection costs about 4 x 3 s + 0.7 s. 15 s covers that plus the reads and stays under API Gateway's 29 s integration limit;
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
  moveTodo: fanOut,
  deleteTodo: fanOut,
  // A message edited, deleted or reacted to: one write (react: a small transaction) and the room's fan-out.
  editMessage: fanOut,
  deleteMessage: fanOut,
  react: fanOut,
  // Room + todos + members + read positions + a page of messages, in 128 KB parts to one client.
  sync: fanOut,
  // A read position moves; a small room hears of it.
  markRead: fanOut,
  // Nothing stored but the connection's typingAt; a small room hears of it.
  typing: fanOut,
  // A GetItem, at most one UpdateItem (expiry refresh) and a pong.
  ping: singleReply,
};

/** A few Gets/Queries/writes each; the browser waits, so the same short budget for all but one. */
export const httpSizing: Record<HttpRouteKey, Sizing> = {
  // Signs (or re-signs) a token; a rate-limit counter per source IP.
  "POST /sessions": singleReply,
  "POST /rooms": singleReply,
  "GET /rooms": singleReply,
  // A page of memberships, then their rooms in one BatchGetItem.
  "GET /me/rooms": singleReply,
  "GET /rooms/{roomId}": singleReply,
  "GET /rooms/{roomId}/messages": singleReply,
  "GET /rooms/{roomId}/members": singleReply,
  "POST /rooms/{roomId}/tickets": singleReply,
  "POST /rooms/{roomId}/invites": singleReply,
  "DELETE /rooms/{roomId}/invites": singleReply,
  "POST /invites/{code}": singleReply,
  // Posts `removed` to the removed user's sockets, then closes them: one post can cost 4 x 3 s like a fan-out's
  // worst connection, so the fan-out timeout; only that user's few sockets, so the small size.
  "DELETE /rooms/{roomId}/members/{userId}": { memory: "256 MB", timeout: "15 seconds" },
};

/**
 * The `$connect` authorizer: one DeleteItem (the ticket) and a policy back. The handshake waits on it, and it
 * runs before `$connect`, so both must fit API Gateway's 29 s; 10 s is far more than one DeleteItem needs.
 */
export const authorizerSizing: Sizing = singleReply;

export function routeSizing(route: RouteEntry, kind: RouteKind): Sizing {
  const sizing =
    kind === "http"
      ? httpSizing[route.routeKey as HttpRouteKey]
      : webSocketSizing[route.routeKey as WebSocketRouteKey];
  if (!sizing)
    throw new Error(`No memory/timeout for ${kind} route "${route.routeKey}" in infra/function-args.ts`);
  return sizing;
}

export interface RouteLinks<L> {
  /** The table: gives the handler `Resource.Table.name`. */
  table: L;
  /** The WebSocket API: gives `Resource.Realtime.managementEndpoint`; linked to broadcasting routes only. */
  realtime?: L;
  /**
   * The signing secret and the `Identity` linkable (`Resource.AuthSecret.value`, `Resource.Identity`): linked to
   * every HTTP route, which verifies (or, for `POST /sessions`, signs) bearer tokens, and to no WebSocket function.
   */
  auth?: { secret: L; identity: L };
  /** The stage's limits (`Resource.Limits`, infra/limits.ts): linked to every route that is given it. */
  limits?: L;
  /**
   * The fan-out queue (`Resource.FanOut.url`, infra/fan-out.ts): linked to the WebSocket routes that broadcast and
   * to the routes marked `schedulesJobs`.
   */
  fanOut?: L;
}

/** HTTP handlers verify bearer tokens themselves; WebSocket handlers trust what the `$connect` authorizer returned. */
export const verifiesTokens = (kind: RouteKind) => kind === "http";

/** What one route's function links: the table, the WebSocket API if it broadcasts, secret + Identity if HTTP. */
export function routeLinks<L>(route: RouteEntry, kind: RouteKind, links: RouteLinks<L>): L[] {
  const { table, realtime, auth, limits, fanOut } = links;
  if (route.broadcasts && realtime === undefined) {
    throw new Error(`Route "${route.routeKey}" broadcasts but no WebSocket API was given to link`);
  }
  if (verifiesTokens(kind) !== (auth !== undefined)) {
    throw new Error(
      `The ${kind} routes must ${verifiesTokens(kind) ? "" : "not "}be given AuthSecret and Identity`,
    );
  }
  return [
    table,
    ...(route.broadcasts && realtime !== undefined ? [realtime] : []),
    ...(auth !== undefined ? [auth.secret, auth.identity] : []),
    ...(limits !== undefined ? [limits] : []),
    ...(fanOut !== undefined && usesFanOutQueue(route, kind) ? [fanOut] : []),
  ];
}

export interface RouteFunctionArgs<L, T> extends Sizing {
  handler: string;
  runtime: (typeof FUNCTION_DEFAULTS)["runtime"];
  architecture: (typeof FUNCTION_DEFAULTS)["architecture"];
  logging: { retention: (typeof FUNCTION_DEFAULTS)["logging"]["retention"] };
  nodejs: typeof LAMBDA_BUNDLING;
  link: L[];
  permissions: PermissionSpec<T>[];
  /** Reserved concurrency (infra/limits-config.ts): the ceiling and guarantee of the function's family. */
  concurrency?: { reserved: number };
}

/** The stage's reserved concurrency per family; null or left out: nothing reserved. */
export type Reservations = Readonly<Record<FunctionFamily, number>> | null;

const reservationOf = (reserved: Reservations | undefined, family: FunctionFamily) =>
  reserved ? { concurrency: { reserved: reserved[family] } } : {};

/** Everything one route's function is created with: handler, runtime, size, links and IAM statements. */
export function routeFunctionArgs<L, T>(
  route: RouteEntry,
  kind: RouteKind,
  { links, arns, reserved }: { links: RouteLinks<L>; arns: RouteArns<T>; reserved?: Reservations },
): RouteFunctionArgs<L, T> {
  return {
    handler: sstHandler(route),
    ...FUNCTION_DEFAULTS,
    logging: { ...FUNCTION_DEFAULTS.logging },
    nodejs: bundling(),
    ...routeSizing(route, kind),
    link: routeLinks(route, kind, links),
    permissions: routePermissions(route, kind, arns),
    ...reservationOf(reserved, familyOf(route, kind)),
  };
}

/** The `$connect` authorizer's function: linked to the table only (`Resource.Table.name`), DeleteItem on it only. */
export function authorizerFunctionArgs<L, T>(
  authorizer: AuthorizerEntry,
  {
    links,
    arns,
    reserved,
  }: { links: Pick<RouteLinks<L>, "table">; arns: Pick<RouteArns<T>, "tableArn">; reserved?: Reservations },
): RouteFunctionArgs<L, T> {
  return {
    handler: sstHandler(authorizer),
    ...FUNCTION_DEFAULTS,
    logging: { ...FUNCTION_DEFAULTS.logging },
    nodejs: bundling(),
    ...authorizerSizing,
    link: [links.table],
    permissions: authorizerPermissions(arns),
    // The authorizer runs before every `$connect`: it belongs to the handshake family.
    ...reservationOf(reserved, "connect"),
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

const joinPermissions = <T, R>(permissions: PermissionSpec<T>[], joinArn: (parts: ArnParts<T>) => R) =>
  permissions.map(({ actions, resources }) => ({ actions, resources: resources.map(joinArn) }));

/** What a route is added with besides its handler: the `$connect` route names the authorizer. */
export interface RouteOptions<A> {
  auth: { lambda: A };
}

/** The part of `sst.aws.ApiGatewayV2` / `sst.aws.ApiGatewayWebSocket` that wiring uses. */
export interface RouteTarget<H, A = never> {
  // A property, not a method: parameters are then checked strictly, so SST's route() must accept H as it is.
  route: (routeKey: string, handler: H, options?: RouteOptions<A>) => unknown;
}

/** The only route a WebSocket REQUEST authorizer can guard: AWS runs it on `$connect` and on nothing else. */
export const CONNECT_ROUTE_KEY = "$connect";

/**
 * Adds every manifest route of one kind to an API: `api.route(routeKey, args)` once per route, in manifest order,
 * and `{ auth: { lambda: connectAuthorizer } }` on `$connect` when an authorizer id is given.
 * infra/api.ts and infra/realtime.ts call only this; infra/test calls it with a recording fake.
 */
export function wireRoutes<L, T, R, A = never>(
  target: RouteTarget<WiredHandler<L, R>, A>,
  kind: RouteKind,
  {
    links,
    arns,
    joinArn,
    connectAuthorizer,
    reserved,
  }: {
    links: RouteLinks<L>;
    arns: RouteArns<T>;
    joinArn: (parts: ArnParts<T>) => R;
    connectAuthorizer?: A;
    reserved?: Reservations;
  },
): string[] {
  const routes: readonly RouteEntry[] = routesOf[kind];
  if (
    connectAuthorizer !== undefined &&
    !(kind === "websocket" && routes.some((r) => r.routeKey === CONNECT_ROUTE_KEY))
  ) {
    throw new Error(`A connect authorizer needs a ${CONNECT_ROUTE_KEY} route in the WebSocket manifest`);
  }
  return routes.map((route) => {
    const { permissions, ...args } = routeFunctionArgs(route, kind, { links, arns, reserved });
    const handler = { ...args, permissions: joinPermissions(permissions, joinArn) };
    const guarded = connectAuthorizer !== undefined && route.routeKey === CONNECT_ROUTE_KEY;
    // SST's route() treats an undefined third argument as `{}` (no auth).
    target.route(route.routeKey, handler, guarded ? { auth: { lambda: connectAuthorizer } } : undefined);
    return route.routeKey;
  });
}

/** The part of `sst.aws.ApiGatewayWebSocket` that adds the `$connect` authorizer. */
export interface AuthorizerTarget<H, A> {
  addAuthorizer: (name: string, args: { lambda: { function: H; identitySources: string[] } }) => { id: A };
}

/**
 * Adds the manifest's `webSocketAuthorizer` as a Lambda REQUEST authorizer (its function, its identity sources)
 * and returns its id, for wireRoutes' `connectAuthorizer`.
 */
export function wireConnectAuthorizer<L, T, R, A>(
  target: AuthorizerTarget<WiredHandler<L, R>, A>,
  {
    links,
    arns,
    joinArn,
    authorizer = webSocketAuthorizer,
    reserved,
  }: {
    links: Pick<RouteLinks<L>, "table">;
    arns: Pick<RouteArns<T>, "tableArn">;
    joinArn: (parts: ArnParts<T>) => R;
    authorizer?: AuthorizerEntry;
    reserved?: Reservations;
  },
): A {
  const { permissions, ...args } = authorizerFunctionArgs(authorizer, { links, arns, reserved });
  return target.addAuthorizer(authorizer.name, {
    lambda: {
      function: { ...args, permissions: joinPermissions(permissions, joinArn) },
      identitySources: [...authorizer.identitySources],
    },
  }).id;
}
