import { randomBytes } from "node:crypto";

/**
 * Ids shaped like API Gateway's: 11 random bytes in base64, 16 characters ending in "=" ("L0SM9cOFvHcCIhw=").
 * The URL-safe alphabet keeps them usable in a path segment and in DynamoDB keys without escaping,
 * while the "=" still makes callers URL-encode them the way the SDK does for real ids.
 */
export function apiGatewayId(): string {
  return randomBytes(11).toString("base64").replaceAll("+", "-").replaceAll("/", "_");
}

/** API Gateway's access-log time format: "12/Mar/2020:19:03:58 +0000". */
export function requestTime(date: Date): string {
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

export const LOCAL_ACCOUNT_ID = "123456789012";
export const LOCAL_REGION = "local";
