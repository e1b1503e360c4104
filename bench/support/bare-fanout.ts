import { join } from "node:path";
import type { FloorServerMessage, FloorServerOptions } from "./bare-fanout-server";
import { forkTs, nextMessage, repoRoot, stopChild } from "./fork-ts";

/** The serverless floor's two steps for one message, as the floor server timed them. */
export interface DurableTimings {
  putMs: number;
  postMs: number;
}

/**
 * Starts bare-fanout-server.ts in a child process (the real stack runs in one too, for a like-for-like floor).
 * `wsUrl` is the bare ws floor; `durableWsUrl` the serverless floor and `transactionalWsUrl` the transactional
 * floor (both with `durable` settings), whose per-message write and @connections times collect in
 * `durableTimings` by clientMessageId (`putMs` is the write: the PutItem, or the transactional floor's transaction).
 */
export async function startBareFanoutServer(options: FloorServerOptions = {}) {
  const forked = forkTs(join(repoRoot, "bench/support/bare-fanout-server.ts"), [JSON.stringify(options)]);
  const durableTimings = new Map<string, DurableTimings>();
  forked.child.on("message", (message: FloorServerMessage) => {
    if (message.type === "durableTimings")
      durableTimings.set(message.clientMessageId, { putMs: message.putMs, postMs: message.postMs });
  });
  const { url } = await nextMessage(forked, (message: FloorServerMessage) =>
    message.type === "ready" ? message : undefined,
  );
  return {
    wsUrl: url,
    durableWsUrl: `${url}/durable`,
    transactionalWsUrl: `${url}/transactional`,
    durableTimings,
    problems: forked.lines,
    stop: () => stopChild(forked, 5_000),
  };
}
