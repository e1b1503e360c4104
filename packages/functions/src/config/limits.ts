import { type Limits, limitsWith } from "@rooms/core/limits";
import { Resource } from "sst";

/**
 * The stage's limits (core/src/limits: rate limits, member cap). SST links `Limits` (infra/limits.ts) with the
 * stage's settings; the local stack sets the same resource from LocalStackOptions.limits / ROOMS_LIMITS. A
 * setting left out, or no link at all, keeps the default. Read once, on first use, for the life of the container.
 */

let limits: Limits | undefined;

export function getLimits(): Limits {
  if (limits) return limits;
  // `in` does not throw for an unlinked resource (a property read does).
  const { type: _type, ...settings } = ("Limits" in Resource ? Resource.Limits : {}) as Record<
    string,
    unknown
  >;
  limits = limitsWith(settings);
  return limits;
}
