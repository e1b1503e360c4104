import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { LOCAL_ACCOUNT_ID, requestTime } from "./api-gateway-ids";
import { dictionary } from "./dictionary";

export interface HttpEventInput {
  request: IncomingMessage;
  body: Buffer;
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
  requestId: string;
  apiId: string;
  now: Date;
}

/** Content types API Gateway passes as text; anything else reaches the function base64-encoded. */
const textual = /^(text\/|application\/(json|[\w.+-]*\+json|x-www-form-urlencoded|xml|javascript)|$)/i;

/** An API Gateway HTTP API event, payload format 2.0, for one request. */
export function buildHttpApiEvent({
  request,
  body,
  routeKey,
  pathParameters,
  requestId,
  apiId,
  now,
}: HttpEventInput) {
  const url = request.url ?? "/";
  const queryStart = url.indexOf("?");
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? "" : url.slice(queryStart + 1);
  const { headers, cookies } = lowerCasedHeaders(request);
  const queryStringParameters = joinedQuery(rawQueryString);
  const domainName = headers.host ?? "127.0.0.1";
  const binary = body.length > 0 && !textual.test(headers["content-type"] ?? "");

  const event: APIGatewayProxyEventV2 = {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 && { cookies }),
    headers,
    ...(queryStringParameters && { queryStringParameters }),
    ...(pathParameters && { pathParameters }),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId,
      domainName,
      domainPrefix: domainName.split(".")[0] ?? domainName,
      http: {
        method: request.method ?? "GET",
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: sourceIp(request),
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey,
      stage: "$default",
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: body.toString(binary ? "base64" : "utf8") }),
    isBase64Encoded: binary,
  };
  return event;
}

export function sourceIp(request: IncomingMessage) {
  return (request.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, "");
}

/** Header names lower-cased, repeated headers joined by commas, cookies split out as payload 2.0 does. */
function lowerCasedHeaders(request: IncomingMessage) {
  // Keyed by what the client sent: no prototype, so `constructor` or `__proto__` are ordinary names.
  const headers = dictionary<string>();
  const cookies: string[] = [];
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] ?? "").toLowerCase();
    const value = raw[i + 1] ?? "";
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const forwardedFor = sourceIp(request);
  headers["x-forwarded-for"] ??= forwardedFor;
  headers["x-forwarded-proto"] ??= "http";
  headers["x-forwarded-port"] ??= String(request.socket.localPort ?? "");
  return { headers, cookies };
}

/** Decoded query parameters; a repeated name becomes one comma-joined value. Undefined when there are none. */
export function joinedQuery(rawQueryString: string): Record<string, string> | undefined {
  if (!rawQueryString) return undefined;
  const joined = dictionary<string>();
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    joined[name] = name in joined ? `${joined[name]},${value}` : value;
  }
  return Object.keys(joined).length > 0 ? joined : undefined;
}
