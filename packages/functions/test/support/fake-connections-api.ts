import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerFrame } from "@rooms/core/protocol";

/**
 * A real HTTP server playing API Gateway's @connections API (POST /<stage>/@connections/<id>): it records every
 * frame posted, and answers 410 with `x-amzn-errortype: GoneException` for the ids in `gone`, as AWS does for a
 * closed socket. DELETE /<stage>/@connections/<id> (DeleteConnection) is recorded in `closed`; the socket is gone
 * from then on.
 */
export async function startFakeConnectionsApi({ stage = "test" }: { stage?: string } = {}) {
  const posted = new Map<string, ServerFrame[]>();
  const gone = new Set<string>();
  const unexpected: string[] = [];
  const closed: string[] = [];
  const prefix = `/${stage}/@connections/`;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "";
      if ((req.method !== "POST" && req.method !== "DELETE") || !path.startsWith(prefix)) {
        unexpected.push(`${req.method} ${path}`);
        return res.writeHead(404, { "x-amzn-errortype": "NotFoundException" }).end();
      }
      const connectionId = decodeURIComponent(path.slice(prefix.length));
      if (gone.has(connectionId)) {
        return res
          .writeHead(410, { "content-type": "application/json", "x-amzn-errortype": "GoneException" })
          .end("{}");
      }
      if (req.method === "DELETE") {
        closed.push(connectionId);
        gone.add(connectionId);
        return res.writeHead(204).end();
      }
      const frame = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ServerFrame;
      posted.set(connectionId, [...(posted.get(connectionId) ?? []), frame]);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    /** The management endpoint, as SST's `Realtime.managementEndpoint` gives it (stage path included). */
    endpoint: `http://127.0.0.1:${port}/${stage}`,
    port,
    stage,
    gone,
    unexpected,
    /** Connections closed with DeleteConnection, in order. */
    closed,
    /** Frames delivered to one connection, in arrival order. */
    framesFor: (connectionId: string) => posted.get(connectionId) ?? [],
    /** Every connection that received anything. */
    recipients: () => [...posted.keys()],
    clear: () => {
      posted.clear();
      closed.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeConnectionsApi = Awaited<ReturnType<typeof startFakeConnectionsApi>>;
