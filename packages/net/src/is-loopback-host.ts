const loopbackHosts = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** True for this machine's own addresses: the local stack and DynamoDB Local, never AWS. A `:port` is ignored. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  return loopbackHosts.has(lower) || loopbackHosts.has(lower.replace(/:\d+$/, ""));
}
