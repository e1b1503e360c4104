import { randomBytes } from "node:crypto";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { localDynamoClient } from "@rooms/dynamodb-local";
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
export async function startTestStack(name: string, options: LocalStackOptions = {}): Promise<LocalStack> {
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  const shared = inject("dynamodbEndpoint");
  const stack = await startLocalStack({
    dynamodb: { endpoint: shared },
    tableName: `${name}-${randomBytes(4).toString("hex")}`,
    limits: RAISED_LIMITS,
    connectionListCacheMs: 0,
    ...options,
  });
  if (stack.dynamodbEndpoint !== shared) return stack;
  // Its table goes with it: the run's shared DynamoDB Local (one JVM, in memory) slows as earlier files' tables and
  // stream records pile up, and the files that run last would pay for it.
  return {
    ...stack,
    async stop() {
      await stack.stop();
      const dynamo = localDynamoClient(shared);
      await dynamo
        .send(new DeleteTableCommand({ TableName: stack.tableName }))
        .finally(() => dynamo.destroy());
    },
  };
}
