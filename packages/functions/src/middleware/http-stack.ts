import type { MiddlewareObj } from "@middy/core";
import httpJsonBodyParser from "@middy/http-json-body-parser";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { z } from "zod";
import { bodySizeLimit } from "./body-size-limit";
import { httpErrorMapper } from "./http-error-mapper";
import { logInvocation } from "./log-invocation";
import { validateInput, type WithInput } from "./validate-input";

/** An HTTP API (payload v2) event whose input was validated into `input`. */
export type HttpEvent<S extends z.ZodType> = WithInput<APIGatewayProxyEventV2, S>;

type HttpInput<S extends z.ZodType> =
  /** A JSON body (POST). */
  | { body: S }
  /** Path parameters and query string as one object; an invalid path parameter is a 404. */
  | { params: S };

/**
 * The middleware of every HTTP route, in order: log line (first, so it sees the final response), error
 * mapping, then for a body the size limit and JSON parsing, then validation with the core's schema.
 */
export function httpMiddlewares<S extends z.ZodType>(input: HttpInput<S>): MiddlewareObj<any>[] {
  const common = [logInvocation(), httpErrorMapper()];
  if ("body" in input) {
    return [
      ...common,
      bodySizeLimit(),
      httpJsonBodyParser(),
      validateInput<APIGatewayProxyEventV2, S>({ schema: input.body, from: (e) => e.body, what: "body" }),
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
