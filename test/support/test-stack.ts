import { randomBytes } from "node:crypto";
import { type LocalStack, type LocalStackOptions, startLocalStack } from "@rooms/local";
import { inject } from "vitest";
import { RAISED_LIMITS } from "./raised-limits";

/**
 * The real local stack for a test file: every handler of the manifest behind the local API Gateway, on the run's
 * shared in-memory DynamoDB Local (test/global-setup.ts), in a table of its own named `<name>-<random>`, with the
 * rate limits raised (raised-limits.ts) unless `options` sets its own. Handlers log WARN and above only.
 *
 * The connection-list cache is off unless `options` turns it on: with it, a member who joined a moment ago may
 * get a message only by a seq-gap `sync` (the contract allows that), and most tests expect live delivery right
 * after a join. The cache's own tests and the ordering reliability test (whose members sync gaps) turn it on.
 */
export function startTestStack(name: string, options: LocalStackOptions = {}): Promise<LocalStack> {
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  return startLocalStack({
    dynamodb: { endpoint: inject("dynamodbEndpoint") },
    tableName: `${name}-${randomBytes(4).toString("hex")}`,
    limits: RAISED_LIMITS,
    connectionListCacheMs: 0,
    ...options,
  });
}
