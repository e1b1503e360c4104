import type { Context } from "aws-lambda";
import { createLambdaContext } from "./lambda-context";
import type { LambdaHandler, RouteHandler } from "./route-handlers";

export class InvocationTimeoutError extends Error {
  constructor(functionName: string, timeoutMs: number) {
    super(`${functionName}: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = "InvocationTimeoutError";
  }
}

/**
 * Invokes a handler in this process the way the Lambda runtime would: the event arrives as a fresh JSON copy,
 * a promise or a callback ends the invocation, a timeout fails it, and the result goes through JSON
 * (so a handler returning Dates or undefined fields behaves here as it does on AWS).
 */
export async function invokeHandler(
  route: RouteHandler,
  event: unknown,
  { timeoutMs }: { timeoutMs: number },
): Promise<unknown> {
  const functionName = route.functionName ?? route.routeKey;
  const context = createLambdaContext({ functionName, timeoutMs });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvocationTimeoutError(functionName, timeoutMs)), timeoutMs);
  });
  const finished = callHandler(route.handler, JSON.parse(JSON.stringify(event)), context);
  try {
    const result = await Promise.race([finished, timedOut]);
    return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
  } finally {
    clearTimeout(timer);
  }
}

/** Calls an async or callback-style handler; settles with its result either way. */
export function callHandler(handler: LambdaHandler, event: unknown, context: Context): Promise<unknown> {
  return new Promise<unknown>((resolve, reject) => {
    const callback = (error?: unknown, result?: unknown) => (error ? reject(error) : resolve(result));
    try {
      const returned = handler(event, context, callback);
      if (isThenable(returned)) returned.then(resolve, reject);
    } catch (error) {
      reject(error);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"
  );
}
