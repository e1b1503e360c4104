import type { IncomingMessage } from "node:http";
import { LOCAL_REGION, requestTime } from "./api-gateway-ids";
import { append, dictionary } from "./dictionary";
import { sourceIp } from "./http-api-event";

/** The flat values a REQUEST authorizer may return in `context`. */
export type AuthorizerContextValue = string | number | boolean;

/** What every event of one connection shares. */
export interface ConnectionFacts {
  connectionId: string;
  connectedAt: number;
  apiId: string;
  stage: string;
  domainName: string;
  sourceIp: string;
  userAgent: string;
  /** The handshake's headers with their original case, as API Gateway passes them to $connect. */
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | undefined;
  multiValueQueryStringParameters: Record<string, string[]> | undefined;
  /**
   * `{ principalId, ...context }` from the $connect authorizer's Allow, once it ran; every event of the
   * connection carries it as `requestContext.authorizer`. Absent when the API has no authorizer.
   */
  authorizer?: Record<string, AuthorizerContextValue>;
}

export function connectionFacts(
  request: IncomingMessage,
  {
    connectionId,
    connectedAt,
    apiId,
    stage,
  }: { connectionId: string; connectedAt: number; apiId: string; stage: string },
): ConnectionFacts {
  // Keyed by what the client sent: no prototype, so `constructor` or `__proto__` are ordinary names.
  const headers = dictionary<string>();
  const multiValueHeaders = dictionary<string[]>();
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? "";
    const value = raw[i + 1] ?? "";
    headers[name] = value;
    append(multiValueHeaders, name, value);
  }
  headers["X-Forwarded-For"] ??= sourceIp(request);
  headers["X-Forwarded-Proto"] ??= "http";
  headers["X-Forwarded-Port"] ??= String(request.socket.localPort ?? "");
  const url = request.url ?? "";
  const rawQuery = url.includes("?") ? url.slice(url.indexOf("?") + 1) : "";
  const multiValueQuery = dictionary<string[]>();
  for (const [name, value] of new URLSearchParams(rawQuery)) append(multiValueQuery, name, value);
  // On AWS a repeated query parameter shows its last value in queryStringParameters.
  const hasQuery = Object.keys(multiValueQuery).length > 0;
  const lastValues = dictionary<string>();
  for (const [name, values] of Object.entries(multiValueQuery))
    lastValues[name] = values[values.length - 1] ?? "";
  return {
    connectionId,
    connectedAt,
    apiId,
    stage,
    domainName: request.headers.host ?? "127.0.0.1",
    sourceIp: sourceIp(request),
    userAgent: request.headers["user-agent"] ?? "",
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? lastValues : undefined,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : undefined,
  };
}

function requestContext(
  facts: ConnectionFacts,
  routeKey: string,
  eventType: string,
  requestId: string,
  now: Date,
) {
  return {
    routeKey,
    eventType,
    extendedRequestId: requestId,
    requestTime: requestTime(now),
    messageDirection: "IN",
    stage: facts.stage,
    connectedAt: facts.connectedAt,
    requestTimeEpoch: now.getTime(),
    identity: { sourceIp: facts.sourceIp, userAgent: facts.userAgent },
    requestId,
    domainName: facts.domainName,
    connectionId: facts.connectionId,
    apiId: facts.apiId,
    ...(facts.authorizer && { authorizer: facts.authorizer }),
  };
}

/** The account id in the methodArn the local WebSocket API gives its authorizer. */
export const AUTHORIZER_ACCOUNT_ID = "000000000000";

/** The ARN a $connect authorizer's policy must allow: arn:aws:execute-api:local:000000000000:<apiId>/<stage>/$connect. */
export function connectMethodArn(facts: Pick<ConnectionFacts, "apiId" | "stage">) {
  return `arn:aws:execute-api:${LOCAL_REGION}:${AUTHORIZER_ACCOUNT_ID}:${facts.apiId}/${facts.stage}/$connect`;
}

/**
 * The event a Lambda REQUEST authorizer of a WebSocket API gets on $connect: the handshake's headers and
 * query string, `stageVariables`, and the CONNECT request context of the connection about to be made.
 */
export function authorizerEvent(facts: ConnectionFacts, requestId: string, now = new Date()) {
  const { authorizer: _notYet, ...withoutAuthorizer } = facts;
  return {
    type: "REQUEST",
    methodArn: connectMethodArn(facts),
    headers: facts.headers,
    multiValueHeaders: facts.multiValueHeaders,
    queryStringParameters: facts.queryStringParameters ?? {},
    multiValueQueryStringParameters: facts.multiValueQueryStringParameters ?? {},
    stageVariables: {},
    requestContext: requestContext(withoutAuthorizer, "$connect", "CONNECT", requestId, now),
  };
}

/** The $connect event: handshake headers and query string, no body. */
export function connectEvent(facts: ConnectionFacts, requestId: string, now = new Date()) {
  return {
    headers: facts.headers,
    multiValueHeaders: facts.multiValueHeaders,
    ...(facts.queryStringParameters && {
      queryStringParameters: facts.queryStringParameters,
      multiValueQueryStringParameters: facts.multiValueQueryStringParameters,
    }),
    requestContext: requestContext(facts, "$connect", "CONNECT", requestId, now),
    isBase64Encoded: false,
  };
}

/** A MESSAGE event: the frame's text as the body, no headers (Middy's JSON parser needs disableContentTypeCheck). */
export function messageEvent(
  facts: ConnectionFacts,
  routeKey: string,
  body: string,
  requestId: string,
  messageId: string,
  now = new Date(),
) {
  return {
    requestContext: { ...requestContext(facts, routeKey, "MESSAGE", requestId, now), messageId },
    body,
    isBase64Encoded: false,
  };
}

/** The $disconnect event, with the close code and reason the gateway saw. */
export function disconnectEvent(
  facts: ConnectionFacts,
  requestId: string,
  close: { code: number; reason: string },
  now = new Date(),
) {
  return {
    headers: { Host: facts.domainName, "X-Forwarded-For": facts.sourceIp, "x-api-key": "", "x-restapi": "" },
    multiValueHeaders: {
      Host: [facts.domainName],
      "X-Forwarded-For": [facts.sourceIp],
      "x-api-key": [""],
      "x-restapi": [""],
    },
    requestContext: {
      ...requestContext(facts, "$disconnect", "DISCONNECT", requestId, now),
      disconnectStatusCode: close.code,
      disconnectReason: close.reason,
    },
    isBase64Encoded: false,
  };
}
