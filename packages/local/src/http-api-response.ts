import { dictionary } from "./dictionary";

/** What goes back on the wire for one HTTP API invocation. */
export interface HttpApiResponse {
  statusCode: number;
  headers: Record<string, string>;
  cookies: string[];
  body: Buffer;
}

export class MalformedLambdaResponseError extends Error {
  override name = "MalformedLambdaResponseError";
}

export const apiGatewayError = (statusCode: number, message: string): HttpApiResponse => ({
  statusCode,
  headers: { "content-type": "application/json" },
  cookies: [],
  body: Buffer.from(JSON.stringify({ message })),
});

/**
 * Maps a function's result to a response the way payload format 2.0 does: an object with `statusCode` is
 * used as is; any other JSON value is a 200 application/json response with that value as the body.
 * A structured result with a bad status or a non-string body is malformed (API Gateway answers 500).
 */
export function toHttpApiResponse(result: unknown): HttpApiResponse {
  if (typeof result !== "object" || result === null || !("statusCode" in result)) {
    const body = result === undefined ? "" : typeof result === "string" ? result : JSON.stringify(result);
    return {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      cookies: [],
      body: Buffer.from(body),
    };
  }
  const { statusCode, headers = {}, cookies = [], body, isBase64Encoded } = result as Record<string, unknown>;
  if (
    typeof statusCode !== "number" ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    throw new MalformedLambdaResponseError(
      `statusCode must be an integer 100..599, got ${JSON.stringify(statusCode)}`,
    );
  }
  if (body !== undefined && body !== null && typeof body !== "string") {
    throw new MalformedLambdaResponseError(`body must be a string, got ${typeof body}; JSON.stringify it`);
  }
  if (typeof headers !== "object" || headers === null || !Array.isArray(cookies)) {
    throw new MalformedLambdaResponseError("headers must be an object and cookies an array");
  }
  const lowerCased = dictionary<string>();
  for (const [name, value] of Object.entries(headers)) lowerCased[name.toLowerCase()] = String(value);
  return {
    statusCode,
    headers: lowerCased,
    cookies: cookies.map(String),
    body: Buffer.from(body ?? "", isBase64Encoded ? "base64" : "utf8"),
  };
}
