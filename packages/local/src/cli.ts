/**
 * `pnpm dev:backend`: DynamoDB Local (data on disk in <repo>/.data/dynamodb) and the local API Gateway.
 * `pnpm dev` (--web): the same plus the SolidJS dev server pointed at it.
 * Prints the URLs, then a line `ready` once everything listens. Ctrl-C or SIGTERM stops it all.
 *
 * Environment: HTTP_PORT (3000), WS_PORT (3001), CONNECTIONS_PORT (3002), DYNAMODB_PORT (8000), WEB_PORT (5173),
 * GATEWAY_SKIP_DISCONNECT=1 (drop closed sockets without $disconnect), GATEWAY_POST_RATE=<n> (@connections answers
 * 429 past n posts per second), GATEWAY_LOG=0 (handler failures only), ROOMS_LIMITS='{"framesPerSecond":50}' (raise
 * or lower limits of packages/core/src/limits/limits.ts by name).
 *
 * Everything listens on 127.0.0.1 only. DynamoDB Local also refuses browser requests and exits by itself when this
 * process ends in any way, SIGKILL included (see packages/dynamodb-local); and this process stops everything when
 * the process that started it (tsx under `pnpm dev`) disappears.
 *
 * The token signing secret lives in <repo>/.data/auth-secret (git-ignored), made on first run, so tokens
 * survive a restart. Delete the file to invalidate every token issued locally.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { LocalStack } from "./local-stack";

// Set before the AWS SDK loads (local-stack is imported dynamically below for that reason).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const dataDir = join(repoRoot, ".data", "dynamodb");
const authSecretFile = join(repoRoot, ".data", "auth-secret");

/** The local stage's signing secret: read from the file, or made (32 random bytes, base64url, mode 0600). */
async function localAuthSecret(file: string): Promise<string> {
  const existing = await readSecret(file);
  if (existing) return existing;
  await mkdir(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  try {
    // "wx" when missing: never overwrite a secret another process has just written; an empty file is replaced.
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: existing === undefined ? "wx" : "w" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const written = await readSecret(file);
    if (!written) throw new Error(`${file} exists but holds no secret; delete it and start again`);
    return written;
  }
  await chmod(file, 0o600); // writeFile's mode applies only to a new file, and through the umask
  return secret;
}

/** The secret in the file; "" when the file is empty, undefined when there is no file. */
async function readSecret(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** GATEWAY_POST_RATE: a positive integer (posts per second), or unset/empty for no limit. */
function postRateFromEnv(): number | undefined {
  const raw = process.env.GATEWAY_POST_RATE;
  if (raw === undefined || raw.trim() === "") return undefined;
  const rate = Number(raw);
  if (!Number.isInteger(rate) || rate < 1) {
    throw new Error(
      `GATEWAY_POST_RATE=${raw} is not a positive integer (posts per second); unset it for no limit`,
    );
  }
  return rate;
}

/** ROOMS_LIMITS: JSON of limits to change from the defaults, e.g. `{"framesPerSecond":50}`; unset for none. */
function limitsFromEnv(): Record<string, number> | undefined {
  const raw = process.env.ROOMS_LIMITS;
  if (raw === undefined || raw.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`ROOMS_LIMITS=${raw} is not JSON (example: {"framesPerSecond":50})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error(`ROOMS_LIMITS=${raw} is not a JSON object of limit names and numbers`);
  return parsed as Record<string, number>;
}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`${name}=${raw} is not a port number`);
  return port;
}

async function main() {
  const withWeb = process.argv.includes("--web");
  const ports = {
    http: portFromEnv("HTTP_PORT", 3000),
    ws: portFromEnv("WS_PORT", 3001),
    connections: portFromEnv("CONNECTIONS_PORT", 3002),
    dynamodb: portFromEnv("DYNAMODB_PORT", 8000),
    web: portFromEnv("WEB_PORT", 5173),
  };
  const skipDisconnect = process.env.GATEWAY_SKIP_DISCONNECT === "1";
  const postRateLimit = postRateFromEnv();
  const limits = limitsFromEnv();

  let stack: LocalStack | undefined;
  let web: ChildProcess | undefined;
  let stopping: Promise<void> | undefined;
  const webOutput = { muted: false };
  const stop = () =>
    (stopping ??= (async () => {
      webOutput.muted = true; // pnpm reports the vite it ran as failed once we stop it: not news
      if (web) await stopProcessGroup(web);
      await stack?.stop();
    })());
  let firstSignalAt = 0;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) {
        // A terminal's Ctrl-C reaches this process twice (directly and relayed by tsx): only a later one means
        // "stop waiting".
        if (Date.now() - firstSignalAt > 1_000) process.exit(1);
        return;
      }
      firstSignalAt = Date.now();
      console.log(`\n${signal}: stopping`);
      void stop().then(() => process.exit(0));
    });
  }
  // `pnpm dev` runs this file under tsx, which does not pass on its own death: if it is killed (SIGKILL too), this
  // process is re-parented; notice that and stop, rather than keep every port taken with no one to stop it.
  const parentPid = process.ppid;
  setInterval(() => {
    if (process.ppid === parentPid || stopping) return;
    console.error(`error: the process that started this one (pid ${parentPid}) is gone; stopping`);
    void stop().then(() => process.exit(1));
  }, 500).unref();

  try {
    const { startLocalStack } = await import("./local-stack");
    const authSecret = await localAuthSecret(authSecretFile);
    stack = await startLocalStack({
      authSecret,
      httpPort: ports.http,
      wsPort: ports.ws,
      connectionsPort: ports.connections,
      dynamodb: { path: dataDir, port: ports.dynamodb },
      tableName: "rooms",
      skipDisconnect,
      ...(postRateLimit !== undefined && { postRateLimit }),
      ...(limits !== undefined && { limits }),
      log: process.env.GATEWAY_LOG === "0" ? undefined : true,
    }).catch((error: Error) => {
      // DynamoDB Local's own port message already names the holder and DYNAMODB_PORT.
      if (
        !/already in use|DynamoDB Local exited/.test(error.message) ||
        /DynamoDB Local cannot listen/.test(error.message)
      )
        throw error;
      throw new Error(
        `${error.message}\n(is another \`pnpm dev\` or DynamoDB Local already using ports ${ports.http}/${ports.ws}/${ports.connections}/${ports.dynamodb}? ` +
          "set HTTP_PORT, WS_PORT, CONNECTIONS_PORT, DYNAMODB_PORT)",
        { cause: error },
      );
    });
    let webUrl: string | undefined;
    if (withWeb) {
      webUrl = `http://127.0.0.1:${ports.web}`;
      await assertPortFree(ports.web, "WEB_PORT");
      web = startWebDevServer(
        ports.web,
        { VITE_HTTP_URL: stack.httpUrl, VITE_WS_URL: stack.wsUrl },
        webOutput,
      );
      await waitForWebDevServer(web, webUrl);
    }

    const rows = [
      ["HTTP API", stack.httpUrl],
      ["WebSocket API", stack.wsUrl],
      ["@connections", stack.connectionsUrl],
      [
        "DynamoDB Local",
        `${stack.dynamodbEndpoint} (table ${stack.tableName}, data in ${relative(repoRoot, dataDir)})`,
      ],
      ...(webUrl ? [["Web", webUrl]] : []),
    ];
    web?.once("exit", (code, signal) => {
      if (stopping) return;
      console.error(`error: the web dev server exited (${signal ?? `code ${code}`}); stopping`);
      void stop().then(() => process.exit(1));
    });
    for (const [label, value] of rows) console.log(`${label?.padEnd(15)} ${value}`);
    if (skipDisconnect)
      console.log("GATEWAY_SKIP_DISCONNECT=1: closed sockets are dropped without $disconnect");
    if (limits !== undefined) console.log(`ROOMS_LIMITS=${JSON.stringify(limits)}`);
    if (postRateLimit !== undefined) {
      console.log(
        `GATEWAY_POST_RATE=${postRateLimit}: @connections answers 429 past ${postRateLimit} posts per second`,
      );
    }
    console.log("ready");
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    await stop();
    process.exit(1);
  }
}

/** The SolidJS dev server in its own process group, so stopping it also stops the vite under pnpm. */
function startWebDevServer(port: number, env: Record<string, string>, output: { muted: boolean }) {
  const child = spawn(
    "pnpm",
    ["--filter", "@rooms/web", "exec", "vite", "--port", String(port), "--strictPort", "--host", "127.0.0.1"],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const forward = (stream: NodeJS.ReadableStream | null, write: (line: string) => void) =>
    stream?.on("data", (chunk: Buffer) => {
      if (output.muted) return;
      for (const line of chunk.toString().split("\n")) if (line.trim()) write(`[web] ${line}`);
    });
  forward(child.stdout, (line) => console.log(line));
  forward(child.stderr, (line) => console.error(line));
  return child;
}

async function waitForWebDevServer(child: ChildProcess, url: string, timeoutMs = 60_000) {
  let exited: string | undefined;
  child.once("error", (error) => (exited = `could not start pnpm: ${error.message}`));
  child.once("exit", (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(
        `the web dev server (vite in packages/web) ${exited} before it answered at ${url}; see [web] lines above`,
      );
    // Vite's own client module, so that something else answering on the port does not count.
    const answered = await fetch(`${url}/@vite/client`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.ok,
      () => false,
    );
    if (answered && !exited) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the web dev server did not answer at ${url} within ${timeoutMs / 1000} s`);
}

function assertPortFree(port: number, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () =>
      reject(new Error(`port ${port} is already in use; stop what uses it or set ${variable}`)),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

function stopProcessGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return resolve();
    const force = setTimeout(() => signalGroup(child.pid, "SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      resolve();
    });
    signalGroup(child.pid, "SIGTERM");
  });
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

main().catch((error: Error) => {
  // Bad settings (a port or GATEWAY_POST_RATE that is not a number) end here, before anything started.
  console.error(`error: ${error.message}`);
  process.exit(1);
});
