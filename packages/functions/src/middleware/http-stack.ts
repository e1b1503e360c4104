import type { MiddlewareObj } from "@middy/core";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import type { User } from "@rooms/core/protocol";
import type { BucketLimitName } from "@rooms/core/rate-limit";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { $ZodType } from "zod/v4/core";
import { authenticate, type WithUser } from "./authenticate";
import { bodySizeLimit } from "./body-size-limit";
import { httpErrorMapper } from "./http-error-mapper";
import { logInvocation } from "./log-invocation";
import { rateLimit } from "./rate-limit";
import { validateInput, type WithInput } from "./validate-input";

/** An HTTP API (payload v2) event from a signed-in caller whose input was validated into `input`. */
export type HttpEvent<S extends $ZodType, U extends User | null = User> = WithUser<
  WithInput<APIGatewayProxyEventV2, S>,
  U
>;

type HttpInput<S extends $ZodType> =
  /** A JSON body (POST), merged with the path parameters (which win). `optionalBody`: no body reads as `{}`. */
  | { body: S; optionalBody?: boolean }
  /** Path parameters and query string as one object; an invalid path parameter is a 404. */
  | { params: S };

/** `{ auth: "optional" }` only for `POST /sessions`; every other route requires a valid bearer token. */
type HttpAuth = { auth?: "required" | "optional" };

/** A rate-limited route: the call counts before its input is parsed (per source IP even before authentication). */
type HttpRateLimit = { rateLimit?: { limit: BucketLimitName; per: "user" | "sourceIp" } };

/** A POST route whose body may be left out ("no body or `{}`"): an empty body reads as `{}`. */
const emptyBodyAsObject = (): MiddlewareObj<APIGatewayProxyEventV2> => ({
  before: ({ event }) => {
    if (event.body !== undefined && event.body !== "") return;
    event.body = "{}";
    event.headers = { ...event.headers, "content-type": "application/json" };
  },
});

/**
 * The middleware of every HTTP route, in order: log line (first, so it sees the final response), error
 * mapping, authentication (so a missing or bad token is 401 before any input error) and the route's rate limit
 * (per source IP before authentication, per user after it), then for a body the
 * size limit and JSON parsing, then validation with the core's schema.
 */
export function httpMiddlewares<S extends $ZodType>(
  input: HttpInput<S> & HttpAuth & HttpRateLimit,
): MiddlewareObj<APIGatewayProxyEventV2>[] {
  const auth = authenticate({ optional: input.auth === "optional" });
  const limiter = input.rateLimit ? [rateLimit(input.rateLimit)] : [];
  const checks = input.rateLimit?.per === "sourceIp" ? [...limiter, auth] : [auth, ...limiter];
  const common = [logInvocation(), httpErrorMapper(), ...checks];
  if ("body" in input) {
    return [
      ...common,
      ...(input.optionalBody ? [emptyBodyAsObject()] : []),
      bodySizeLimit(),
      httpJsonBodyParser(),
      validateInput<APIGatewayProxyEventV2, S>({
        schema: input.body,
        from: (e) => {
          const body: unknown = e.body;
          return isObject(body) ? { ...body, ...e.pathParameters } : body;
        },
        what: "body",
        notFoundIfInvalid: (e) => Object.keys(e.pathParameters ?? {}),
      }),
    ];
  }
  return [
    ...common,
    validateInput<APIGatewayProxyEventV2, S>({
      schema: input.params,
      from: (e) => ({ ...e.queryStringParameters, ...e.pathParameters }),
      what: "request",
      notFoundIfInvalid: (e) => Object.keys(e.pathParameters ?? {}),
    }),
  ];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
