/**
 * Stage and CORS settings of the two APIs. Pure data (no SST globals) so infra/test and docs can quote them.
 *
 * Throttling is a ceiling against runaway cost and abuse, not a capacity plan: API Gateway applies the stage's
 * default route settings to each route, below the account-level 10,000 requests/s (and, for WebSocket, 500 new
 * connections/s) quotas. Raise them here when real traffic needs it.
 */
export const WEBSOCKET_ROUTE_THROTTLING = { throttlingRateLimit: 500, throttlingBurstLimit: 1000 };
export const HTTP_ROUTE_THROTTLING = { throttlingRateLimit: 200, throttlingBurstLimit: 400 };

/**
 * The HTTP API is public and cookie-free: tokens travel in the `Authorization` header, never in cookies, so no
 * credentials and any origin may call it (a page of another origin still needs the user's token to do anything);
 * the site's CloudFront URL cannot be listed here anyway without a cycle (the site is built with the API's URL).
 * Methods and headers are the ones the web client and the contract use: `authorization` for the bearer token,
 * `content-type` for JSON bodies, DELETE for revoking invites and removing members.
 */
export const HTTP_CORS = {
  allowOrigins: ["*"],
  allowMethods: ["GET", "POST", "DELETE"] as ("GET" | "POST" | "DELETE")[],
  allowHeaders: ["authorization", "content-type"],
  allowCredentials: false,
  maxAge: "1 day" as const,
};
