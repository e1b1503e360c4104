import type { MiddlewareObj } from "@middy/core";
import { Connection } from "@rooms/core/connection";
import { RateLimitedError } from "@rooms/core/errors";
import { getLimits } from "../config/limits";
import { getDb } from "../config/table";
import type { WebSocketEvent } from "./ws-event";

/** Events whose frame reached its flow, which counts it (core's forJoinedConnection, in the read of the record). */
const countedByFlow = new WeakSet<object>();

/**
 * Every frame counts toward its connection's frame rate limit, refused ones included. A frame that reaches its
 * flow is counted there, as it reads the connection record (Connection.takeFrameToken); `countRefusedFrame`
 * counts the ones refused before that (not JSON, invalid, unknown action) the same way. When that bucket
 * is empty the client is told `rate_limited` (with `retryAfterMs`) instead of the frame's own error, so a client
 * flooding junk learns to slow down; a connection already gone keeps the original error.
 */
export function countRefusedFrame(): MiddlewareObj<WebSocketEvent> {
  return {
    onError: async (request) => {
      const { event, error } = request;
      if (countedByFlow.has(event) || error instanceof RateLimitedError) return;
      try {
        await Connection.takeFrameToken(await getDb(), {
          connectionId: event.requestContext.connectionId,
          limits: getLimits(),
        });
      } catch (countError) {
        if (countError instanceof RateLimitedError) request.error = countError;
      }
    },
  };
}

/** The last `before` step of a frame route: from here on the flow counts the frame. */
export function frameReachesFlow(): MiddlewareObj<WebSocketEvent> {
  return { before: ({ event }) => void countedByFlow.add(event) };
}
