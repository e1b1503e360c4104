import type { IncomingHttpHeaders } from "node:http";

/** The CORS block of an API Gateway HTTP API (SST's `cors: true` is "*" for origins, methods and headers). */
export interface CorsConfig {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders?: string[];
  maxAge?: number;
  allowCredentials?: boolean;
}

export const defaultCors: CorsConfig = { allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"] };

/** A browser preflight: OPTIONS with an Origin and the method it wants to use. */
export function isPreflight(method: string, headers: IncomingHttpHeaders) {
  return method === "OPTIONS" && !!headers.origin && !!headers["access-control-request-method"];
}

function allowedOrigin(cors: CorsConfig, origin: string | undefined) {
  if (!origin) return undefined;
  if (cors.allowOrigins.includes("*")) return cors.allowCredentials ? origin : "*";
  return cors.allowOrigins.includes(origin) ? origin : undefined;
}

/**
 * Headers API Gateway answers a preflight with (status 204, whether or not an OPTIONS route exists).
 * A disallowed origin gets no CORS headers, so the browser refuses, as on AWS.
 */
export function preflightHeaders(cors: CorsConfig, headers: IncomingHttpHeaders): Record<string, string> {
  const origin = allowedOrigin(cors, headers.origin);
  if (!origin) return {};
  const requestedMethod = String(headers["access-control-request-method"] ?? "");
  const requestedHeaders = String(headers["access-control-request-headers"] ?? "");
  const methods = cors.allowMethods.includes("*") ? requestedMethod : cors.allowMethods.join(",");
  const allowHeaders = cors.allowHeaders.includes("*") ? requestedHeaders : cors.allowHeaders.join(",");
  return {
    "access-control-allow-origin": origin,
    ...(methods && { "access-control-allow-methods": methods }),
    ...(allowHeaders && { "access-control-allow-headers": allowHeaders }),
    ...(cors.maxAge !== undefined && { "access-control-max-age": String(cors.maxAge) }),
    ...(cors.allowCredentials && { "access-control-allow-credentials": "true" }),
    ...(origin !== "*" && { vary: "Origin" }),
  };
}

/** Headers added to an actual (non-preflight) response; API Gateway ignores CORS headers from the integration. */
export function responseCorsHeaders(cors: CorsConfig, headers: IncomingHttpHeaders): Record<string, string> {
  const origin = allowedOrigin(cors, headers.origin);
  if (!origin) return {};
  return {
    "access-control-allow-origin": origin,
    ...(cors.exposeHeaders?.length && { "access-control-expose-headers": cors.exposeHeaders.join(",") }),
    ...(cors.allowCredentials && { "access-control-allow-credentials": "true" }),
    ...(origin !== "*" && { vary: "Origin" }),
  };
}
