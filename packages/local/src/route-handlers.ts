import type { Context } from "aws-lambda";

/** Any Lambda handler: async (event, context), or the older callback style. */
export type LambdaHandler = (
  // biome-ignore lint/suspicious/noExplicitAny: the gateway runs whichever handler a route names, each typed for its own event (plus what its middlewares add), with the event as a JSON copy; no one type is both assignable from every handler's event and readable by inline test handlers (`unknown` refuses typed handlers, `never` cannot be read)
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
