import type { Context } from "aws-lambda";

/** Any Lambda handler: async (event, context), or the older callback style. */
export type LambdaHandler = (
  event: any,
  context: Context,
  callback: (error?: unknown, result?: unknown) => void,
) => unknown;

/** One route of a gateway bound to the function that serves it. */
export interface RouteHandler {
  /** "POST /rooms", "GET /rooms/{roomId}", or a WebSocket key: "$connect", "sendMessage", ... */
  routeKey: string;
  handler: LambdaHandler;
  /** Shown in logs and in context.functionName; defaults to the route key. */
  functionName?: string;
}
