import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@rooms/dynamodb-local";
import { build, preview } from "vite";

const webRoot = fileURLToPath(new URL("../../..", import.meta.url));

export interface WebApp {
  url: string;
  stop(): Promise<void>;
}

/**
 * Builds the app for production against the given API URLs (VITE_HTTP_URL / VITE_WS_URL, read at build time)
 * into a temporary folder and serves it with `vite preview` on a free port.
 */
export async function serveWebApp({ httpUrl, wsUrl }: { httpUrl: string; wsUrl: string }): Promise<WebApp> {
  const outDir = await mkdtemp(join(tmpdir(), "rooms-web-"));
  const previous = { http: process.env.VITE_HTTP_URL, ws: process.env.VITE_WS_URL };
  process.env.VITE_HTTP_URL = httpUrl;
  process.env.VITE_WS_URL = wsUrl;
  try {
    await build({
      root: webRoot,
      configFile: join(webRoot, "vite.config.ts"),
      logLevel: "warn",
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    process.env.VITE_HTTP_URL = previous.http;
    process.env.VITE_WS_URL = previous.ws;
    if (previous.http === undefined) delete process.env.VITE_HTTP_URL;
    if (previous.ws === undefined) delete process.env.VITE_WS_URL;
  }
  const port = await freePort();
  const server = await preview({
    root: webRoot,
    configFile: join(webRoot, "vite.config.ts"),
    logLevel: "warn",
    build: { outDir },
    preview: { host: "127.0.0.1", port, strictPort: true, open: false },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
