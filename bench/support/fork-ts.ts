import { type ChildProcess, fork } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Forks a TypeScript module (through tsx) with an IPC channel, stdout and stderr piped. Every non-empty output
 * line lands in `lines`, so a benchmark can fail on anything its server printed.
 */
export function forkTs(file: string, args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = fork(file, args, {
    cwd: repoRoot,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
  });
  const lines: string[] = [];
  for (const [name, stream] of [
    ["stdout", child.stdout],
    ["stderr", child.stderr],
  ] as const) {
    let buffered = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const line of parts) if (line.trim()) lines.push(`${name}: ${line.slice(0, 2000)}`);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, lines, exited };
}

/** Waits for the first IPC message that `pick` accepts; rejects if the child exits first or `timeoutMs` passes. */
export function nextMessage<T>(
  { child, lines, exited }: ReturnType<typeof forkTs>,
  pick: (message: any) => T | undefined,
  timeoutMs = 120_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`child gave no answer within ${timeoutMs} ms:\n${lines.join("\n")}`)),
      timeoutMs,
    );
    const onMessage = (message: unknown) => {
      let picked: T | undefined;
      try {
        picked = pick(message);
      } catch (error) {
        clearTimeout(timer);
        child.off("message", onMessage);
        return reject(error);
      }
      if (picked === undefined) return;
      clearTimeout(timer);
      child.off("message", onMessage);
      resolve(picked);
    };
    child.on("message", onMessage);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code}) early:\n${lines.join("\n")}`));
    });
  });
}

/** Asks the child to stop (IPC `stop`), then kills it if it has not exited within `graceMs`. */
export async function stopChild({ child, exited }: ReturnType<typeof forkTs>, graceMs = 20_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (child.connected) child.send({ type: "stop" });
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
