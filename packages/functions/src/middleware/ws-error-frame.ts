import type { MiddlewareObj } from "@middy/core";
import type { BroadcastResult } from "@rooms/core/broadcast";
import type { ErrorEcho, ServerFrame, Todo } from "@rooms/core/protocol";
import { describeError, type PublicError } from "../errors/describe-error";
import { json } from "../http/json-response";
import { noteInvocation } from "../logging/invocation-notes";
import { replyToSender } from "../realtime/reply-to-sender";
import type { WebSocketEvent } from "./ws-event";

const defaults = {
  /** Posts the error frame to the sender (tests may swap it). */
  deliver: replyToSender as (event: WebSocketEvent, frame: ServerFrame) => Promise<BroadcastResult>,
};

/**
 * WebSocket errors, the way clients can see them:
 * - `$connect`: the status code (404 unknown room, 400 bad name, 403 removed or room full), so API Gateway
 *   refuses the handshake;
 * - `$disconnect`: nobody to tell; the status only goes to the log;
 * - a frame: an `{"type":"error",...}` frame to the sender alone (a conflict carries the current `todo`), and
 *   200 to API Gateway so it does not report the failure a second time.
 */
export function wsErrorFrame(opts: Partial<typeof defaults> = {}): MiddlewareObj<WebSocketEvent> {
  const options = { ...defaults, ...opts };

  const wsErrorFrameOnError: MiddlewareObj<WebSocketEvent>["onError"] = async (request) => {
    if (request.response !== undefined) return;
    const { event } = request;
    const described = describeError(request.error, { subject: "Frame" });
    const { eventType } = event.requestContext;
    if (eventType === "CONNECT") {
      const { status, code, message, issues } = described;
      // The contract refuses a handshake into a full room with 403 (over HTTP, limit_reached is a 409).
      const handshakeStatus = code === "limit_reached" ? 403 : status;
      request.response = json(handshakeStatus, { error: { code, message, ...(issues && { issues }) } });
      return;
    }
    if (eventType === "DISCONNECT") {
      request.response = { statusCode: described.status };
      return;
    }
    try {
      noteInvocation(event, { reply: await options.deliver(event, errorFrame(described, echoOf(event))) });
    } catch (error) {
      // The frame itself could not be built or sent; the log line keeps the original error.
      noteInvocation(event, { replyError: (error as Error)?.message ?? String(error) });
    }
    request.response = { statusCode: 200 };
  };

  return { onError: wsErrorFrameOnError };
}

function errorFrame(
  { code, message, issues, current, retryAfterMs }: PublicError,
  echo: ErrorEcho,
): ServerFrame {
  const base = { type: "error" as const, message, ...echo };
  if (code === "conflict" && current) return { ...base, code, todo: current as Todo };
  return { ...base, code, ...(issues && { issues }), ...(retryAfterMs && { retryAfterMs }) };
}

/**
 * What the error frame repeats of the failed frame: the action it asked for (its route, or on `$default` the
 * first 64 characters of whatever `action` it carried: no route has a longer name), and its clientMessageId /
 * clientTodoId when it had one, so the client knows which pending send failed. The ids exactly as sent, whatever
 * their length: an id over the contract's 64 characters is refused `bad_request`, and the client matches that
 * refusal by the id it holds. The frame in was at most 32 KB, so the error frame stays far below the 128 KB a
 * client may receive.
 */
function echoOf({ requestContext: { routeKey }, body }: WebSocketEvent): ErrorEcho {
  const frame = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" && value.length > 0 ? value : undefined);
  const action = routeKey.startsWith("$") ? text(frame.action)?.slice(0, 64) : routeKey;
  const clientMessageId = text(frame.clientMessageId);
  const clientTodoId = text(frame.clientTodoId);
  return {
    ...(action && { action }),
    ...(clientMessageId && { clientMessageId }),
    ...(clientTodoId && { clientTodoId }),
  };
}
