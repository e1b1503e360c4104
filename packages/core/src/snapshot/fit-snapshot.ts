import { MAX_SERVER_FRAME_BYTES, type Snapshot } from "../protocol/frames";

const byteLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

/**
 * A page of 50 long messages can pass the 128 KB a connection may receive. Drops messages until the frame fits,
 * setting `hasMore` so the client knows to ask again: a newest page keeps the newest (older ones are one
 * history call away), a catch-up keeps the oldest (the next sync continues after the last one kept).
 * A snapshot too large even without messages is left as is; sending it then fails with too_large.
 */
export function fitSnapshot(
  snapshot: Snapshot,
  { keep, maxBytes = MAX_SERVER_FRAME_BYTES }: { keep: "newest" | "oldest"; maxBytes?: number },
): Snapshot {
  if (byteLength({ type: "snapshot", ...snapshot }) <= maxBytes) return snapshot;
  let budget = maxBytes - byteLength({ type: "snapshot", ...snapshot, messages: [], hasMore: true });
  const ordered = keep === "newest" ? [...snapshot.messages].reverse() : snapshot.messages;
  const kept = [];
  for (const message of ordered) {
    budget -= byteLength(message) + 1;
    if (budget < 0) break;
    kept.push(message);
  }
  return { ...snapshot, messages: keep === "newest" ? kept.reverse() : kept, hasMore: true };
}
