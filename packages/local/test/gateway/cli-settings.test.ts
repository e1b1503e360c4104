import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** Runs `pnpm dev:backend`'s entry point with extra environment; stops it if it ever gets to `ready`. */
function runCli(env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "packages/local/src/cli.ts"], {
      cwd: repoRoot,
      env: { ...process.env, GATEWAY_LOG: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk;
      if (/^ready$/m.test(output)) child.kill("SIGTERM"); // a bad setting was accepted: stop what started
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("close", (code) => resolve({ code, output }));
  });
}

describe("cli.ts settings", () => {
  for (const value of ["abc", "0", "-3", "2.5"]) {
    it(`GATEWAY_POST_RATE=${value} stops before anything starts, with a clear message`, async () => {
      const { code, output } = await runCli({ GATEWAY_POST_RATE: value });
      expect(code).toBe(1);
      expect(output).toContain(
        `error: GATEWAY_POST_RATE=${value} is not a positive integer (posts per second)`,
      );
      expect(output).not.toMatch(/^ready$/m);
    }, 30_000);
  }
});
