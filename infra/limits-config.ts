import { type Limits, limitsWith } from "../packages/core/src/limits/limits";
import type { RouteEntry } from "../packages/functions/src/routes";
import type { RouteKind } from "./permissions";

/**
 * A stage's limits and Lambda concurrency, from the environment of `sst deploy`. Pure (no SST globals), so
 * infra/test computes exactly what a stage deploys with.
 */

/** `ROOMS_LIMITS='{"membersPerRoom":10000}'`: the product limits to change (core/src/limits; docs/api.md). */
export const LIMITS_ENV = "ROOMS_LIMITS";
/** `ROOMS_RESERVED_CONCURRENCY='{"frames":50}'` to change a family's reservation, or `off` for none at all. */
export const CONCURRENCY_ENV = "ROOMS_RESERVED_CONCURRENCY";

/** The `Limits` linkable's properties: every limit, the stage's overrides applied (an unknown name fails the deploy). */
export function stageLimits(env: Readonly<Record<string, string | undefined>>): Limits {
  const raw = env[LIMITS_ENV]?.trim();
  if (!raw) return limitsWith({});
  return limitsWith(parseObject(LIMITS_ENV, raw));
}

/**
 * Functions come in families that fail together under a flood: the handshake (the `$connect` authorizer,
 * `$connect`, `$disconnect`), the frames of open sockets (every other WebSocket route), the HTTP API, and the
 * workers (presence on the table stream, fan-out on its queue).
 */
export type FunctionFamily = "connect" | "frames" | "http" | "workers";

export function familyOf(route: Pick<RouteEntry, "routeKey">, kind: RouteKind): FunctionFamily {
  if (kind === "http") return "http";
  return route.routeKey === "$connect" || route.routeKey === "$disconnect" ? "connect" : "frames";
}

/**
 * Reserved concurrency of each function, by family: a ceiling (a flooded route cannot run more instances than
 * this, so it cannot starve the others of the account's concurrency) and a guarantee (these instances stay
 * available to it whatever the other routes do). The workers' share covers the fan-out queue's 16 concurrent
 * pages with room to spare. With today's manifest the total is a little over half of the default account quota
 * of 1,000 per region (infra/test/limits.test.ts checks it stays below 900, as AWS keeps 100 unreserved). An
 * account with a lower quota deploys with `off` (docs/deploy.md).
 */
export const DEFAULT_RESERVED_CONCURRENCY: Readonly<Record<FunctionFamily, number>> = {
  connect: 20,
  frames: 25,
  http: 15,
  workers: 20,
};

/** The stage's reservation per family, or null (`off`: no function reserves anything). */
export function reservedConcurrency(
  env: Readonly<Record<string, string | undefined>>,
): Record<FunctionFamily, number> | null {
  const raw = env[CONCURRENCY_ENV]?.trim();
  if (raw === "off") return null;
  const reserved = { ...DEFAULT_RESERVED_CONCURRENCY };
  if (!raw) return reserved;
  for (const [family, value] of Object.entries(parseObject(CONCURRENCY_ENV, raw))) {
    if (!Object.hasOwn(DEFAULT_RESERVED_CONCURRENCY, family))
      throw new Error(
        `${CONCURRENCY_ENV}: unknown family "${family}" (known: connect, frames, http, workers)`,
      );
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
      throw new Error(
        `${CONCURRENCY_ENV}: ${family} must be a positive integer, got ${JSON.stringify(value)}`,
      );
    reserved[family as FunctionFamily] = value;
  }
  return reserved;
}

function parseObject(name: string, raw: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`${name} is not JSON: ${raw}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(`${name} must be a JSON object, got ${raw}`);
  return parsed as Record<string, unknown>;
}
