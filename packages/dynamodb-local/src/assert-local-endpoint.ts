const localHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Tests and the local stack refuse to touch anything but a loopback DynamoDB: never a real AWS table. */
export function assertLocalEndpoint(endpoint: string | undefined): string {
  if (!endpoint) throw new Error("No DynamoDB endpoint given; refusing to fall back to AWS");
  const { hostname } = new URL(endpoint);
  if (!localHosts.has(hostname)) throw new Error(`Refusing non-local DynamoDB endpoint ${endpoint}`);
  return endpoint;
}
