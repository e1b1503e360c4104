import type { MiddlewareObj } from "@middy/core";
import type { User } from "@rooms/core/protocol";
import { type BucketLimitName, RateLimit } from "@rooms/core/rate-limit";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { getLimits } from "../config/limits";
import { getDb } from "../config/table";

const defaults = {
  /** Which limit of core/src/limits (its setting comes from the stage: config/limits.ts). */
  limit: "createRoom" as BucketLimitName,
  /** Whose bucket: the signed-in user's (after `authenticate`), or the caller's address (API Gateway's sourceIp). */
  per: "user" as "user" | "sourceIp",
};

/**
 * Counts the call against its rate limit before the input is parsed, so every call counts, a malformed one
 * included; an empty bucket is 429 `rate_limited` with `retryAfterMs` (see http-error-mapper).
 */
export function rateLimit(
  opts: Partial<typeof defaults> = {},
): MiddlewareObj<APIGatewayProxyEventV2 & { user?: User | null }> {
  const options = { ...defaults, ...opts };

  const rateLimitBefore: MiddlewareObj<APIGatewayProxyEventV2 & { user?: User | null }>["before"] = async ({
    event,
  }) => {
    const key = options.per === "user" ? event.user?.userId : event.requestContext.http.sourceIp;
    if (!key) throw new Error(`rateLimit(${options.limit}): no ${options.per} to count the call against`);
    await RateLimit.take(await getDb(), { name: options.limit, key, limits: getLimits() });
  };

  return { before: rateLimitBefore };
}
