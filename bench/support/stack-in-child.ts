import { join } from "node:path";
import { forkTs, nextMessage, repoRoot, stopChild } from "./fork-ts";
import type { StackProcessMessage, StackProcessOptions } from "./stack-process";

export interface StackInChild {
  httpUrl: string;
  wsUrl: string;
  connectionsUrl: string;
  dynamodbEndpoint: string;
  tableName: string;
  /** Handler failures the gateway reported, and every line the stack printed (handlers log WARN and above only). */
  problems: string[];
  stop(): Promise<void>;
}

/**
 * The real local stack (gateway + every handler of the manifest) in a child process; see stack-process.ts.
 * Handlers log at WARN and above only (POWERTOOLS_LOG_LEVEL=WARN), so any line they print is a problem.
 */
export async function startStackInChild(
  options: StackProcessOptions = {},
  env: Record<string, string> = {},
): Promise<StackInChild> {
  const forked = forkTs(join(repoRoot, "bench/support/stack-process.ts"), [JSON.stringify(options)], {
    POWERTOOLS_LOG_LEVEL: "WARN",
    ...env,
  });
  const problems = forked.lines;
  forked.child.on("message", (message: StackProcessMessage) => {
    if (message.type === "failure") problems.push(`handler failure: ${message.line}`);
  });
  const ready = await nextMessage(forked, (message: StackProcessMessage) => {
    if (message.type === "startFailed") throw new Error(`stack process failed to start: ${message.error}`);
    return message.type === "ready" ? message : undefined;
  });
  const { type: _, ...urls } = ready;
  return { ...urls, problems, stop: () => stopChild(forked) };
}
