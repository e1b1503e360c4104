import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

/** One DynamoDB Query that went over the wire: when, on which index, with which key values. */
export interface LoggedQuery {
  at: number;
  indexName: string | undefined;
  /** The string values of ExpressionAttributeValues (the key condition's and the filter's). */
  values: string[];
}

/**
 * A pass-through HTTP proxy in front of DynamoDB Local that logs every Query request the handlers send: a stack
 * pointed at it (`dynamodb: { endpoint }`) is observed on the wire, with its code untouched. Bodies are forwarded
 * byte for byte (signatures stay valid); everything else (stream polling included) passes unlogged.
 */
export async function startQueryLogProxy(target: string) {
  const upstream = new URL(target);
  const queries: LoggedQuery[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      if (String(incoming.headers["x-amz-target"] ?? "").endsWith(".Query")) {
        const input = JSON.parse(body.toString("utf8")) as {
          IndexName?: string;
          ExpressionAttributeValues?: Record<string, { S?: string }>;
        };
        queries.push({
          at: Date.now(),
          indexName: input.IndexName,
          values: Object.values(input.ExpressionAttributeValues ?? {}).flatMap((v) => (v.S ? [v.S] : [])),
        });
      }
      const forward = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: upstream.host },
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on("error", (error) => outgoing.writeHead(502).end(String(error)));
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    queries,
    /** Queries that listed a room's connections on gsi1 (the broadcast's and the presence worker's reads). */
    roomListings(roomId: string, since = 0) {
      return queries.filter(
        (q) =>
          q.at >= since &&
          q.indexName === "gsi1" &&
          q.values.some((v) => v.includes(roomId)) &&
          q.values.some((v) => v.startsWith("$connection")),
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
