import type { MiddlewareObj } from "@middy/core";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import { clientFrameSchemas, type ClientAction } from "@rooms/core/protocol";
import type { z } from "zod";
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
    validateInput<WebSocketEvent, z.ZodType>({ schema: clientFrameSchemas[action], from: (e) => e.body, what: `${action} frame` }),
  ];
}

/** `$default`: parse the JSON (non-JSON is refused right there); the handler refuses the rest. */
export function wsDefaultMiddlewares(): MiddlewareObj<any>[] {
  return [logInvocation(), wsErrorFrame(), parseFrame()];
}

/** `$connect`: validate the query string; an impossible roomId is an unknown room (404), a bad name 400. */
export function wsConnectMiddlewares<S extends z.ZodType>(query: S): MiddlewareObj<any>[] {
  return [
    logInvocation(),
    wsErrorFrame(),
    validateInput<WebSocketEvent, S>({
      schema: query,
      from: (e) => e.queryStringParameters ?? {},
      what: "connect query",
      notFoundIfInvalid: () => ["roomId"],
    }),
  ];
}

/** `$disconnect`: nothing to parse. */
export function wsDisconnectMiddlewares(): MiddlewareObj<any>[] {
  return [logInvocation(), wsErrorFrame()];
}
