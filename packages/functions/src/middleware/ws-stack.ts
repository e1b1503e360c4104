import type { MiddlewareObj } from "@middy/core";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import { UnauthorizedError } from "@rooms/core/errors";
import { type ClientAction, clientFrameSchemas } from "@rooms/core/protocol";
import { safeParse } from "zod/mini";
import type { $ZodType } from "zod/v4/core";
import { logInvocation } from "./log-invocation";
import { validateInput } from "./validate-input";
import { wsErrorFrame } from "./ws-error-frame";
import type { WebSocketEvent } from "./ws-event";

/** MESSAGE events carry no headers: without this, Middy's parser answers 415 to every frame. */
const parseFrame = () => httpJsonBodyParser({ disableContentTypeCheck: true }) as MiddlewareObj<any>;

/** A client frame route: parse the JSON, validate it with `clientFrameSchemas[action]` into `input`. */
export function wsFrameMiddlewares(action: ClientAction): MiddlewareObj<any>[] {
  return [
    logInvocation(),
    wsErrorFrame(),
    parseFrame(),
    validateInput<WebSocketEvent, $ZodType>({
      schema: clientFrameSchemas[action],
      from: (e) => e.body,
      what: `${action} frame`,
    }),
  ];
}

/** `$default`: parse the JSON (non-JSON is refused right there); the handler refuses the rest. */
export function wsDefaultMiddlewares(): MiddlewareObj<any>[] {
  return [logInvocation(), wsErrorFrame(), parseFrame()];
}

/**
 * `$connect`: what the authorizer put in `requestContext.authorizer` (the consumed ticket's user, name and
 * room). Without it (no authorizer ran) the handshake is refused 401: the client is never believed.
 */
export function wsConnectMiddlewares<S extends $ZodType>(claims: S): MiddlewareObj<any>[] {
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
export function wsDisconnectMiddlewares(): MiddlewareObj<any>[] {
  return [logInvocation(), wsErrorFrame()];
}
