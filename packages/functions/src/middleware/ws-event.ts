import type { RealtimeOutcome } from "@rooms/core/realtime";
import type { APIGatewayProxyWebsocketEventV2 } from "aws-lambda";
import type { $ZodType } from "zod/v4/core";
import { noteInvocation } from "../logging/invocation-notes";
import type { WithInput } from "./validate-input";

/** A WebSocket event as API Gateway sends it (the body parser may have replaced `body` with its parse). */
export type WebSocketEvent = Omit<APIGatewayProxyWebsocketEventV2, "body"> & { body?: unknown };
/** A WebSocket event whose frame or query was validated into `input`. */
export type ValidatedWebSocketEvent<S extends $ZodType> = WithInput<WebSocketEvent, S>;

/**
 * The answer to API Gateway once a flow is done; what it did goes to the log line. Replies to the client
 * travel through @connections, never in this return value.
 */
export function accepted(event: object, outcome: RealtimeOutcome): { statusCode: number } {
  noteInvocation(event, { ...outcome });
  return { statusCode: 200 };
}
