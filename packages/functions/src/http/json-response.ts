import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";

/** An HTTP API response with a JSON body (CORS headers are API Gateway's job, not the handler's). */
export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/** 204 No Content. */
export function noContent(): APIGatewayProxyStructuredResultV2 {
  return { statusCode: 204 };
}
