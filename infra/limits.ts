import { reservedConcurrency, stageLimits } from "./limits-config";

/**
 * `Resource.Limits`: the stage's product limits (rate limits, members per room, ...), core's defaults with the
 * overrides of `ROOMS_LIMITS` in the environment of `sst deploy` (infra/limits-config.ts). Properties only:
 * linking it grants nothing. Linked to every route's function; handlers read it in
 * packages/functions/src/config/limits.ts.
 */
export const limits = new sst.Linkable("Limits", { properties: stageLimits(process.env) });

/** Reserved concurrency per function family (`ROOMS_RESERVED_CONCURRENCY`, default in limits-config.ts). */
export const reservations = reservedConcurrency(process.env);
