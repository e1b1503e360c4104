import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort, listeningSockets, startDynamoDbLocal } from "../src";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(packageDir, "..", "..");

/** Gone, or a zombie waiting for a reaper (its sockets are already closed). */
function processGone(pid: number) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

function listenOn(port: number, host: string) {
  return new Promise<Server>((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}

describe("DynamoDB Local dies with the process that started it", () => {
  it("SIGKILL of the Node parent ends the Java process within seconds and frees its port", async () => {
    const parent = spawn(
      process.execPath,
      ["--import", "tsx", join(packageDir, "test/fixtures/start-and-wait.ts")],
      {
        cwd: repoRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    parent.stderr.on("data", (chunk) => (stderr += chunk));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: parent.stdout }).once("line", resolve);
        parent.once("exit", (code) =>
          reject(new Error(`fixture exited (${code}) before DynamoDB Local was ready:\n${stderr}`)),
        );
      });
      const { pid, port } = JSON.parse(line) as { pid: number; port: number };
      expect(processGone(pid)).toBe(false);
      expect(listeningSockets(port).some((socket) => socket.pid === pid)).toBe(true);

      const killedAt = Date.now();
      parent.kill("SIGKILL");
      expect(await waitFor(() => processGone(pid), 5_000), `java pid ${pid} still running`).toBe(true);
      expect(await waitFor(() => listeningSockets(port).length === 0, 2_000)).toBe(true);
      const again = await listenOn(port, "127.0.0.1"); // the next start would get the port
      await new Promise((r) => again.close(r));
      expect(Date.now() - killedAt).toBeLessThan(5_000);
    } finally {
      parent.kill("SIGKILL");
    }
  }, 90_000);
});

describe("a port already in use", () => {
  for (const host of ["127.0.0.1", "0.0.0.0"]) {
    it(`rejects at once with a clear message naming the holder (something on ${host})`, async () => {
      const port = await freePort();
      const holder = await listenOn(port, host);
      try {
        const started = Date.now();
        const error = await startDynamoDbLocal({ port }).then(
          () => new Error("started anyway"),
          (e: Error) => e,
        );
        expect(error.message).toMatch(
          new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is already in use`),
        );
        expect(error.message).toContain(`(pid ${process.pid})`);
        expect(Date.now() - started).toBeLessThan(2_000); // checked before Java starts
      } finally {
        await new Promise((r) => holder.close(r));
      }
    }, 60_000);
  }
});
