import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the server answers one attempt at one connection. */
export type Reply = "ok" | "gone" | "throttle" | "error" | "hang";

export interface ConnectionsApiServerOptions {
  /** Path prefix the SDK must put before `/@connections` (the stage, or a custom domain's mapping path). */
  stage: string;
  /** Decides each reply (may wait first); `attempt` counts from 1 per connection id. Default: always "ok". */
  reply?: (connectionId: string, attempt: number) => Reply | Promise<Reply>;
  /** Added before every answer, as the round trip to API Gateway would be. */
  latencyMs?: number;
}

/**
 * A real HTTP server that answers like API Gateway's @connections API (POST /<stage>/@connections/<id>):
 * 200 empty, 410 GoneException, 429 LimitExceededException, 500, or no answer at all, with the same
 * `x-amzn-errortype` header the SDK reads the error name from. It records what it received.
 */
export async function startConnectionsApiServer({
  stage,
  reply = () => "ok",
  latencyMs = 0,
}: ConnectionsApiServerOptions) {
  /** Payloads answered 200, per connection id, in arrival order. */
  const delivered = new Map<string, Buffer[]>();
  const attempts = new Map<string, number>();
  const unexpected: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let requests = 0;
  const prefix = `/${stage}/@connections/`;

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once("close", () => inFlight--);
    const body = await readBody(req);
    const path = req.url ?? "";
    if (req.method !== "POST" || !path.startsWith(prefix)) {
      unexpected.push(`${req.method} ${path}`);
      return answer(res, 404, "NotFoundException");
    }
    const connectionId = decodeURIComponent(path.slice(prefix.length));
    const attempt = (attempts.get(connectionId) ?? 0) + 1;
    attempts.set(connectionId, attempt);
    const decision = await reply(connectionId, attempt);
    if (decision === "hang") return; // never answers; the client must give up on its own
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (decision === "ok") {
      delivered.set(connectionId, [...(delivered.get(connectionId) ?? []), body]);
      return answer(res, 200);
    }
    if (decision === "gone") return answer(res, 410, "GoneException");
    if (decision === "throttle") return answer(res, 429, "LimitExceededException");
    return answer(res, 500, "InternalServerErrorException");
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    /** What to give createApiGatewaySender: base URL with the stage path. */
    endpoint: `http://127.0.0.1:${port}/${stage}`,
    delivered,
    attempts,
    unexpected,
    get maxInFlight() {
      return maxInFlight;
    },
    get requests() {
      return requests;
    },
    /** Forgets what was recorded (between benchmark runs). */
    reset() {
      delivered.clear();
      attempts.clear();
      unexpected.length = 0;
      maxInFlight = inFlight;
      requests = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ConnectionsApiServer = Awaited<ReturnType<typeof startConnectionsApiServer>>;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function answer(res: ServerResponse, status: number, errorType?: string) {
  if (res.destroyed) return;
  if (!errorType) return res.writeHead(status, { "content-length": "0" }).end();
  const body = JSON.stringify({ message: errorType });
  res
    .writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-amzn-errortype": errorType,
    })
    .end(body);
}
