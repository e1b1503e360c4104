import { isLoopbackHost } from "@rooms/net";
/** The part of an API Gateway WebSocket event that locates the API. */
export interface WebSocketRequestContext {
  domainName: string;
  stage: string;
  apiId?: string;
}

export interface ManagementEndpointInput {
  /**
   * The configured endpoint, e.g. SST's `managementEndpoint` (`https://abc.execute-api.eu-west-1.amazonaws.com/prod`),
   * or a custom domain with its API-mapping path (`https://ws.example.com/chat`). Wins when given.
   */
  configured?: string;
  /**
   * The event's `requestContext`, used when nothing is configured. It gives `https://${domainName}/${stage}`,
   * which is wrong on a custom domain whose API mapping path is not the stage: configure the endpoint there.
   */
  requestContext?: WebSocketRequestContext;
}

/**
 * Resolves the @connections base URL (no trailing slash; the SDK appends `/@connections/<id>` to its path).
 * Order: configured value; else `https://${domainName}/${stage}` from the event; loopback hosts (the local
 * gateway) use http.
 */
export function managementEndpointFromEvent({ configured, requestContext }: ManagementEndpointInput): string {
  if (configured?.trim()) return normalizeEndpoint(configured.trim());
  if (!requestContext?.domainName || !requestContext.stage) {
    throw new Error(
      "No management endpoint configured and the event has no requestContext.domainName and stage",
    );
  }
  const { domainName, stage } = requestContext;
  const host = domainName.toLowerCase();
  const scheme = isLoopbackHost(host) ? "http" : "https";
  return normalizeEndpoint(`${scheme}://${domainName}/${stage}`);
}

/** Keeps the stage (or mapping) path, drops a trailing slash and any query, and turns wss:// into https://. */
export function normalizeEndpoint(endpoint: string): string {
  const url = new URL(endpoint.replace(/^wss:/i, "https:").replace(/^ws:/i, "http:"));
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new Error(`A management endpoint must be http(s), got ${endpoint}`);
  }
  const path = url.pathname.replace(/\/+$/, "").replace(/\/@connections$/, "");
  return `${url.protocol}//${url.host}${path}`;
}
