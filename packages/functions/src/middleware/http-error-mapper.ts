import type { MiddlewareObj } from "@middy/core";
import { describeError } from "../errors/describe-error";
import { json } from "../http/json-response";

const defaults = {
  /** Names the parsed thing in JSON parse errors. */
  subject: "Body",
};

/**
 * Turns whatever a handler threw into the contract's `{"error":{"code","message","issues"?,"retryAfterMs"?}}` with
 * its status (and `Retry-After` in whole seconds on a 429, as HTTP clients expect).
 * Below 500 the message is the domain's own; at 500 it is generic (the log line keeps the stack).
 */
export function httpErrorMapper(opts: Partial<typeof defaults> = {}): MiddlewareObj {
  const options = { ...defaults, ...opts };

  const httpErrorMapperOnError: MiddlewareObj["onError"] = (request) => {
    if (request.response !== undefined) return;
    const { status, code, message, issues, retryAfterMs } = describeError(request.error, options);
    const error = { code, message, ...(issues && { issues }), ...(retryAfterMs && { retryAfterMs }) };
    request.response = json(status, { error }, retryAfterMs ? retryAfterHeader(retryAfterMs) : undefined);
  };

  return { onError: httpErrorMapperOnError };
}

const retryAfterHeader = (ms: number) => ({ "retry-after": String(Math.ceil(ms / 1000)) });
