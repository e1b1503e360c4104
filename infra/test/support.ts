import { fileURLToPath } from "node:url";
import { type RouteOptions, type WiredHandler, wireConnectAuthorizer, wireRoutes } from "../function-args";
import { DEFAULT_RESERVED_CONCURRENCY } from "../limits-config";
import type { RouteKind } from "../permissions";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Stand-ins for deploy-time values: links are tagged objects, ARNs are recognisable strings. */
export const TABLE = { link: "Table" } as const;
export const REALTIME = { link: "Realtime" } as const;
export const AUTH_SECRET = { link: "AuthSecret" } as const;
export const IDENTITY = { link: "Identity" } as const;
export const LIMITS = { link: "Limits" } as const;
export const FAN_OUT = { link: "FanOut" } as const;
export const FAN_OUT_QUEUE_ARN = "arn:aws:sqs:eu-west-1:111122223333:FanOut";
export const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:111122223333:table/realtime-rooms-ci-TableTable-abc";
export const REALTIME_EXECUTION_ARN = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5";
export const INDEX_NAMES = ["gsi1"];
/** What the fake `addAuthorizer` returns as the authorizer's id. */
export const AUTHORIZER_ID = "authorizer-abc123";

export type Link =
  | typeof TABLE
  | typeof REALTIME
  | typeof AUTH_SECRET
  | typeof IDENTITY
  | typeof LIMITS
  | typeof FAN_OUT;

const joinArn = (parts: readonly string[]) => parts.join("");

/** Adds the `$connect` authorizer to a recording fake, exactly as infra/realtime.ts does. */
export function recordAuthorizer() {
  const calls: { name: string; function: WiredHandler<Link, string>; identitySources: string[] }[] = [];
  const id = wireConnectAuthorizer<Link, string, string, string>(
    {
      addAuthorizer: (name, { lambda }) => {
        calls.push({ name, ...lambda });
        return { id: AUTHORIZER_ID };
      },
    },
    {
      links: { table: TABLE },
      arns: { tableArn: TABLE_ARN },
      joinArn,
      reserved: DEFAULT_RESERVED_CONCURRENCY,
    },
  );
  return { calls, id };
}

/** Runs the real wiring against a recording fake API, exactly as infra/api.ts and infra/realtime.ts do. */
export function recordWiring(kind: RouteKind) {
  const calls: { routeKey: string; handler: WiredHandler<Link, string>; options?: RouteOptions<string> }[] =
    [];
  const returned = wireRoutes<Link, string, string, string>(
    {
      route: (routeKey, handler, options) =>
        calls.push({ routeKey, handler, ...(options !== undefined && { options }) }),
    },
    kind,
    {
      links:
        kind === "websocket"
          ? { table: TABLE, realtime: REALTIME, limits: LIMITS, fanOut: FAN_OUT }
          : {
              table: TABLE,
              realtime: REALTIME,
              auth: { secret: AUTH_SECRET, identity: IDENTITY },
              limits: LIMITS,
              fanOut: FAN_OUT,
            },
      // What a stage deploys with when ROOMS_RESERVED_CONCURRENCY is not set.
      reserved: DEFAULT_RESERVED_CONCURRENCY,
      arns: {
        tableArn: TABLE_ARN,
        indexNames: INDEX_NAMES,
        realtimeExecutionArn: REALTIME_EXECUTION_ARN,
        fanOutQueueArn: FAN_OUT_QUEUE_ARN,
      },
      joinArn,
      ...(kind === "websocket" && { connectAuthorizer: recordAuthorizer().id }),
    },
  );
  return { calls, returned };
}
