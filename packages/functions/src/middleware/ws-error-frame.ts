import type { MiddlewareObj } from "@middy/core";
import type { BroadcastResult } from "@rooms/core/broadcast";
import type { ServerFrame, Todo } from "@rooms/core/protocol";
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
 * - `$connect`: the status code (404 unknown room, 400 bad name), so API Gateway refuses the handshake;
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
      request.response = json(status, { error: { code, message, ...(issues && { issues }) } });
      return;
    }
    if (eventType === "DISCONNECT") {
      request.response = { statusCode: described.status };
      return;
    }
    try {
      noteInvocation(event, { reply: await options.deliver(event, errorFrame(described, actionOf(event))) });
    } catch (error) {
      // The frame itself could not be built or sent; the log line keeps the original error.
      noteInvocation(event, { replyError: (error as Error)?.message ?? String(error) });
    }
    request.response = { statusCode: 200 };
  };

  return { onError: wsErrorFrameOnError };
}

function errorFrame({ code, message, issues, current }: PublicError, action: string | undefined): ServerFrame {
  const base = { type: "error" as const, message, ...(action && { action }) };
  if (code === "conflict" && current) return { ...base, code, todo: current as Todo };
  return { ...base, code, ...(issues && { issues }) };
}

/** The action the failed frame asked for: its route, or on `$default` whatever `action` it carried. */
function actionOf({ requestContext: { routeKey }, body }: WebSocketEvent): string | undefined {
  if (!routeKey.startsWith("$")) return routeKey;
  const action = (body as { action?: unknown } | null | undefined)?.action;
  return typeof action === "string" ? action.slice(0, 64) : undefined;
}
