import type { IncomingMessage } from "node:http";

/**
 * The whole request body, or undefined once it passes `limit`. The rest is still drained, so the
 * refusal (413) can be written and read by the client.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on("end", () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    request.on("error", () => resolve(undefined));
  });
}
