import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerFrame } from "@rooms/core/protocol";

/** How the server answers one attempt at one connection. */
export type Reply = "ok" | "gone" | "throttle" | "error" | "hang";

export interface ConnectionsApiServerOptions {
  /** Path prefix the SDK must put before `/@connections` (the stage, or a custom domain's mapping path). */
  stage?: string;
  /**
   * Decides each PostToConnection reply (may wait first); `attempt` counts from 1 per connection id. Default:
   * "ok". A connection in `gone` (or closed with DeleteConnection) is answered 410 without asking.
   */
  reply?: (connectionId: string, attempt: number) => Reply | Promise<Reply>;
  /** Added before every answer, as the round trip to API Gateway would be. */
  latencyMs?: number;
}

/**
 * A stand-in for API Gateway's @connections API where a test needs no real sockets (core's broadcast, the
 * handlers run directly, the fan-out benchmark); the local gateway's own is packages/local/src/connections-api.ts.
 * A real HTTP server: PostToConnection (POST /<stage>/@connections/<id>) answers 200 empty, 410
 * GoneException, 429 LimitExceededException, 500, or never, with the `x-amzn-errortype` header the SDK reads the
 * error name from; DeleteConnection (DELETE) closes the connection (410 from then on). It records what it got.
 */
export async function startConnectionsApiServer({
  stage = "test",
  reply = () => "ok",
  latencyMs = 0,
}: ConnectionsApiServerOptions = {}) {
  /** Payloads answered 200, per connection id, in arrival order. */
  const delivered = new Map<string, Buffer[]>();
  const attempts = new Map<string, number>();
  /** Connection ids answered 410, whatever `reply` says: add one to make its socket gone. */
  const gone = new Set<string>();
  /** Connections closed with DeleteConnection, in order. */
  const closed: string[] = [];
  const unexpected: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let requests = 0;
  const prefix = `/${stage}/@connections/`;

  async function decide(
    method: string | undefined,
    connectionId: string,
    body: Buffer,
  ): Promise<Reply | 204> {
    if (gone.has(connectionId)) return "gone";
    if (method === "DELETE") {
      closed.push(connectionId);
      gone.add(connectionId);
      return 204;
    }
    const attempt = (attempts.get(connectionId) ?? 0) + 1;
    attempts.set(connectionId, attempt);
    const decision = await reply(connectionId, attempt);
    if (decision === "ok") delivered.set(connectionId, [...(delivered.get(connectionId) ?? []), body]);
    return decision;
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    requests++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.once("close", () => inFlight--);
    const body = await readBody(req);
    const path = req.url ?? "";
    if ((req.method !== "POST" && req.method !== "DELETE") || !path.startsWith(prefix)) {
      unexpected.push(`${req.method} ${path}`);
      return answer(res, 404, "NotFoundException");
    }
    const decision = await decide(req.method, decodeURIComponent(path.slice(prefix.length)), body);
    if (decision === "hang") return; // never answers; the client must give up on its own
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (decision === 204 || decision === "ok") return answer(res, decision === 204 ? 204 : 200);
    if (decision === "gone") return answer(res, 410, "GoneException");
    if (decision === "throttle") return answer(res, 429, "LimitExceededException");
    return answer(res, 500, "InternalServerErrorException");
  });
  server.keepAliveTimeout = 60_000;

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    /** The management endpoint, as SST's `Realtime.managementEndpoint` gives it (stage path included). */
    endpoint: `http://127.0.0.1:${port}/${stage}`,
    port,
    stage,
    delivered,
    attempts,
    gone,
    closed,
    unexpected,
    /** Frames delivered to one connection, parsed, in arrival order. */
    framesFor: (connectionId: string): ServerFrame[] =>
      (delivered.get(connectionId) ?? []).map(
        (payload) => JSON.parse(payload.toString("utf8")) as ServerFrame,
      ),
    /** Every connection that received anything. */
    recipients: () => [...delivered.keys()],
    get maxInFlight() {
      return maxInFlight;
    },
    get requests() {
      return requests;
    },
    /** Forgets what was recorded (between tests or benchmark runs); gone connections stay gone. */
    clear() {
      delivered.clear();
      attempts.clear();
      closed.length = 0;
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
