import type { IncomingMessage } from "node:http";
import { requestTime } from "./api-gateway-ids";
import { sourceIp } from "./http-api-event";

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
}

export function connectionFacts(
  request: IncomingMessage,
  { connectionId, connectedAt, apiId, stage }: { connectionId: string; connectedAt: number; apiId: string; stage: string },
): ConnectionFacts {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  const raw = request.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? "";
    const value = raw[i + 1] ?? "";
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  headers["X-Forwarded-For"] ??= sourceIp(request);
  headers["X-Forwarded-Proto"] ??= "http";
  headers["X-Forwarded-Port"] ??= String(request.socket.localPort ?? "");
  const rawQuery = (request.url ?? "").split("?")[1] ?? "";
  const multiValueQuery: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) (multiValueQuery[name] ??= []).push(value);
  // On AWS a repeated query parameter shows its last value in queryStringParameters.
  const hasQuery = Object.keys(multiValueQuery).length > 0;
  const lastValues = Object.fromEntries(Object.entries(multiValueQuery).map(([k, v]) => [k, v[v.length - 1] ?? ""]));
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

function requestContext(facts: ConnectionFacts, routeKey: string, eventType: string, requestId: string, now: Date) {
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
export function messageEvent(facts: ConnectionFacts, routeKey: string, body: string, requestId: string, messageId: string, now = new Date()) {
  return {
    requestContext: { ...requestContext(facts, routeKey, "MESSAGE", requestId, now), messageId },
    body,
    isBase64Encoded: false,
  };
}

/** The $disconnect event, with the close code and reason the gateway saw. */
export function disconnectEvent(facts: ConnectionFacts, requestId: string, close: { code: number; reason: string }, now = new Date()) {
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
