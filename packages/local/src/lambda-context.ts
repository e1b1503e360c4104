import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from "./api-gateway-ids";

export interface LambdaContextOptions {
  functionName: string;
  /** The function's timeout; getRemainingTimeInMillis counts down from it (Middy's timeoutEarly relies on it). */
  timeoutMs: number;
  now?: () => number;
}

/** A context shaped like the Node.js runtime's, for one invocation. */
export function createLambdaContext({
  functionName,
  timeoutMs,
  now = Date.now,
}: LambdaContextOptions): Context {
  const startedAt = now();
  const awsRequestId = randomUUID();
  const unsupported = (name: string) => () => {
    throw new Error(
      `context.${name}() is deprecated and not supported by the local gateway; return a value instead`,
    );
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/[$LATEST]${awsRequestId.replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (now() - startedAt)),
    done: unsupported("done"),
    fail: unsupported("fail"),
    succeed: unsupported("succeed"),
  };
}
