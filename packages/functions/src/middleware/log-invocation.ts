import type { Logger } from "@aws-lambda-powertools/logger";
import type { MiddlewareObj, Request } from "@middy/core";
import { describeError } from "../errors/describe-error";
import { invocationNotes } from "../logging/invocation-notes";
import { logger } from "../logging/logger";

interface ApiGatewayEvent {
  routeKey?: string;
  pathParameters?: Record<string, string | undefined>;
  requestContext?: { routeKey?: string; requestId?: string; connectionId?: string; eventType?: string };
}

const defaults: { logger: Logger } = { logger };

/**
 * One structured line per invocation: route, ids, status, duration, what the handler noted (room, broadcast
 * counts) and, for an error, its code; an unexpected error is logged at ERROR with its stack.
 * Use it first, so its `after`/`onError` run last and see the final response.
 */
export function logInvocation(opts: Partial<typeof defaults> = {}): MiddlewareObj<ApiGatewayEvent> {
  const options = { ...defaults, ...opts };
  const startedAt = new WeakMap<object, number>();

  const logInvocationBefore = ({ event }: Request<ApiGatewayEvent>) => {
    startedAt.set(event, performance.now());
  };

  const write = ({ event, response, error }: Request<ApiGatewayEvent>) => {
    const { requestContext: rc = {} } = event;
    const started = startedAt.get(event);
    const line = {
      route: event.routeKey ?? rc.routeKey,
      requestId: rc.requestId,
      ...(rc.connectionId && { connectionId: rc.connectionId, eventType: rc.eventType }),
      ...(event.pathParameters?.roomId && { roomId: event.pathParameters.roomId }),
      ...invocationNotes(event),
      statusCode: (response as { statusCode?: number } | undefined)?.statusCode,
      durationMs: started === undefined ? undefined : Math.round((performance.now() - started) * 10) / 10,
    };
    if (!error) return options.logger.info("invocation", line);
    const { code, expected } = describeError(error);
    if (expected)
      return options.logger.info("invocation", {
        ...line,
        errorCode: code,
        errorMessage: (error as Error).message,
      });
    options.logger.error("invocation", { ...line, errorCode: code, error: error as Error });
  };

  return { before: logInvocationBefore, after: write, onError: write };
}
