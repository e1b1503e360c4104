import type { MiddlewareObj } from "@middy/core";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import { UnauthorizedError } from "@rooms/core/errors";
import { type ClientAction, clientFrameSchemas } from "@rooms/core/protocol";
import { safeParse } from "zod/mini";
import type { $ZodType } from "zod/v4/core";
import { countRefusedFrame, frameReachesFlow } from "./frame-rate-limit";
import { logInvocation } from "./log-invocation";
import { validateInput } from "./validate-input";
import { wsErrorFrame } from "./ws-error-frame";
import type { WebSocketEvent } from "./ws-event";

/**
 * MESSAGE events carry no headers: without this, Middy's parser answers 415 to every frame. Middy types the
 * parser for HTTP events only; it reads `body` (and `headers`, absent here), which a WebSocket event has too.
 */
const parseFrame = () =>
  httpJsonBodyParser({ disableContentTypeCheck: true }) as unknown as MiddlewareObj<WebSocketEvent>;

/**
 * A client frame route: parse the JSON, validate it with `clientFrameSchemas[action]` into `input`. The frame
 * counts toward the connection's frame limit in its flow, or in countRefusedFrame when refused before it.
 */
export function wsFrameMiddlewares(action: ClientAction): MiddlewareObj<WebSocketEvent>[] {
  return [
    logInvocation(),
    wsErrorFrame(),
    countRefusedFrame(),
    parseFrame(),
    validateInput<WebSocketEvent, $ZodType>({
      schema: clientFrameSchemas[action],
      from: (e) => e.body,
      what: `${action} frame`,
    }),
    frameReachesFlow(),
  ];
}

/** `$default`: parse the JSON (non-JSON is refused right there); the handler refuses the rest. Counted as a frame. */
export function wsDefaultMiddlewares(): MiddlewareObj<WebSocketEvent>[] {
  return [logInvocation(), wsErrorFrame(), countRefusedFrame(), parseFrame()];
}

/**
 * `$connect`: what the authorizer put in `requestContext.authorizer` (the consumed ticket's user, name and
 * room). Without it (no authorizer ran) the handshake is refused 401: the client is never believed.
 */
export function wsConnectMiddlewares<S extends $ZodType>(claims: S): MiddlewareObj<WebSocketEvent>[] {
  return [logInvocation(), wsErrorFrame(), requireAuthorizerContext(claims)];
}

function requireAuthorizerContext<S extends $ZodType>(claims: S): MiddlewareObj<WebSocketEvent> {
  return {
    before: ({ event }) => {
      const parsed = safeParse(claims, (event.requestContext as { authorizer?: unknown }).authorizer);
      if (!parsed.success)
        throw new UnauthorizedError("Connect with ?ticket= from POST /rooms/{roomId}/tickets");
      (event as WebSocketEvent & { input: unknown }).input = parsed.data;
    },
  };
}

/** `$disconnect`: nothing to parse. */
export function wsDisconnectMiddlewares(): MiddlewareObj<WebSocketEvent>[] {
  return [logInvocation(), wsErrorFrame()];
}
