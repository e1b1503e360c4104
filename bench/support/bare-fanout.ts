import { join } from "node:path";
import { forkTs, nextMessage, repoRoot, stopChild } from "./fork-ts";

/** Starts bare-fanout-server.ts in a child process (the real stack runs in one too, for a like-for-like floor). */
export async function startBareFanoutServer() {
  const forked = forkTs(join(repoRoot, "bench/support/bare-fanout-server.ts"), []);
  const { url } = await nextMessage(forked, (message: { type?: string; url?: string }) =>
    message.type === "ready" ? message : undefined,
  );
  return { wsUrl: url!, problems: forked.lines, stop: () => stopChild(forked, 5_000) };
}
