import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, resolve } from "node:path";
import { freePort } from "./free-port";
import { dynamoDbLocalJar, LAUNCHER_CLASS, launcherClassDir } from "./java-launcher";
import { listeningSockets } from "./listening-sockets";

export interface StartOptions {
  /** Port to listen on (127.0.0.1 only); a free one when omitted. */
  port?: number;
  /** Folder for data on disk; in memory when omitted. */
  path?: string;
  /** How long to wait for the first successful request. */
  timeoutMs?: number;
}

export interface DynamoDbLocal {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  /** The Java process. */
  pid: number;
  stop(): Promise<void>;
}

/** Where DynamoDB Local listens; nothing else on the network can reach it. */
export const DYNAMODB_LOCAL_HOST = "127.0.0.1";

/**
 * Starts the real DynamoDB Local jar (Java) and resolves once it answers a ListTables request.
 * Its banner comes before the port accepts requests, so readiness is a real request, not log output.
 * Missing Java rejects at once with a clear message instead of hanging; so does a port already in use.
 *
 * The jar runs under java/LoopbackDynamoDbLocal.java (compiled once, see java-launcher.ts), which
 * - binds it to 127.0.0.1 only (the jar itself listens on every interface and has no option to change that);
 * - refuses with 403, without any CORS header, every request that carries an `Origin` header (a web page of any
 *   origin, preflights included) or a `Host` other than 127.0.0.1 / localhost / [::1] (DNS rebinding);
 * - exits as soon as its standard input closes. Its stdin is a pipe from this process that is never written to,
 *   so whenever this process ends, SIGKILL and crashes included, the kernel closes it and Java exits within a
 *   second: no orphaned DynamoDB Local holding the port for the next start;
 * - sends no telemetry.
 */
export async function startDynamoDbLocal({
  port,
  path,
  timeoutMs = 60_000,
}: StartOptions = {}): Promise<DynamoDbLocal> {
  const jar = dynamoDbLocalJar();
  const chosenPort = port ?? (await freePort());
  await assertPortFree(chosenPort);
  const classDir = await launcherClassDir(jar);
  if (path) mkdirSync(path, { recursive: true });

  const args = [
    // A JIT tuned for start-up roughly halves the time to the first answer. A JAVA_TOOL_OPTIONS of the caller's
    // (the benchmarks ask for the full JIT) replaces it: flags given here would override that variable.
    ...(process.env.JAVA_TOOL_OPTIONS === undefined ? ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"] : []),
    "-Djava.net.preferIPv4Stack=true",
    `-Djava.library.path=${jar.libDir}`,
    "-cp",
    [classDir, jar.jar].join(delimiter),
    LAUNCHER_CLASS,
    "-port",
    String(chosenPort),
    ...(path ? ["-dbPath", resolve(path)] : ["-inMemory"]),
    "-sharedDb",
    "-disableTelemetry",
  ];
  // stdin stays an open pipe that nothing writes to: it is the child's lifeline (see above).
  const child: ChildProcess = spawn("java", args, { cwd: dirname(jar.jar), stdio: ["pipe", "pipe", "pipe"] });
  child.stdin?.on("error", () => {}); // EPIPE once Java has exited: expected
  const endpoint = `http://${DYNAMODB_LOCAL_HOST}:${chosenPort}`;
  let output = "";
  child.stdout?.on("data", (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr?.on("data", (chunk) => (output = (output + chunk).slice(-4000)));

  const died = new Promise<never>((_, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "ENOENT"
            ? "DynamoDB Local needs Java 17+, and `java` is not on PATH (Debian: apt-get install -y default-jre-headless)"
            : `DynamoDB Local failed to start: ${error.message}`,
        ),
      ),
    );
    child.once("close", (code) =>
      reject(
        /Address already in use/.test(output)
          ? portInUseError(chosenPort)
          : new Error(`DynamoDB Local exited (code ${code}) before it was ready:\n${output}`),
      ),
    );
  });
  died.catch(() => {});

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
      child.once("close", () => {
        clearTimeout(force);
        resolve();
      });
      child.kill("SIGTERM");
    });

  try {
    await Promise.race([waitUntilReady(endpoint, timeoutMs), died]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port: chosenPort, pid: child.pid ?? -1, stop };
}

/** Fails fast, before the seconds Java takes to start, when something already listens on the port. */
function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? portInUseError(port)
          : new Error(`DynamoDB Local cannot use port ${port}: ${error.message}`),
      ),
    );
    probe.listen({ port, host: DYNAMODB_LOCAL_HOST, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function portInUseError(port: number): Error {
  const holders = listeningSockets(port)
    .filter((socket) => socket.pid !== undefined)
    .map((socket) => `${socket.command ?? "a process"} (pid ${socket.pid}) on ${socket.address}`);
  const by = holders.length > 0 ? ` by ${[...new Set(holders)].join(", ")}` : "";
  return new Error(
    `DynamoDB Local cannot listen on ${DYNAMODB_LOCAL_HOST}:${port}: the port is already in use${by}. ` +
      "Stop what uses it (another `pnpm dev`?) or choose another port (DYNAMODB_PORT)",
  );
}

async function waitUntilReady(endpoint: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answersListTables(endpoint)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local at ${endpoint} did not answer within ${timeoutMs} ms`);
}

/** A raw ListTables call: no SDK import, which would cost seconds in a test's global setup. */
async function answersListTables(endpoint: string) {
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.ListTables",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: "{}",
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
