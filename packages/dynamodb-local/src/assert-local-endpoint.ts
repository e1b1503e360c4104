import { isLoopbackHost } from "@rooms/net";

/** Tests and the local stack refuse to touch anything but a loopback DynamoDB: never a real AWS table. */
export function assertLocalEndpoint(endpoint: string | undefined): string {
  if (!endpoint) throw new Error("No DynamoDB endpoint given; refusing to fall back to AWS");
  const { hostname } = new URL(endpoint);
  if (!isLoopbackHost(hostname)) throw new Error(`Refusing non-local DynamoDB endpoint ${endpoint}`);
  return endpoint;
}
