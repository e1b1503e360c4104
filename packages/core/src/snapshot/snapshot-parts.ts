import { MAX_SERVER_FRAME_BYTES } from "../protocol/constants";
import type { Snapshot, SnapshotFrame } from "../protocol/frames";

const byteLength = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const LISTS = ["todos", "members", "messages", "changes"] as const;

/**
 * Cuts a snapshot into frames of at most 128 KB (what a connection may receive). One frame when it fits; else
 * frames with `part` 1..n and `last` on the final one, each repeating the small fields (room, counts, read
 * positions) and carrying the next slice of todos, then members, then messages, then changes, in order. A client concatenates
 * the lists of every part. Nothing is ever dropped, so a sync never fails for size; one item over the limit on
 * its own (impossible within the input limits) would still be refused by the sender.
 */
export function snapshotParts(snapshot: Snapshot, maxBytes = MAX_SERVER_FRAME_BYTES): SnapshotFrame[] {
  const whole: SnapshotFrame = { type: "snapshot", ...snapshot };
  if (byteLength(whole) <= maxBytes) return [whole];
  const frames: SnapshotFrame[] = [];
  const empty = (): SnapshotFrame => ({
    type: "snapshot",
    ...snapshot,
    todos: [],
    members: [],
    messages: [],
    changes: [],
    part: frames.length + 1,
    last: false,
  });
  let frame = empty();
  // `part` and `last` may grow by a few digits; keep a margin for them.
  let size = byteLength(frame) + 16;
  for (const list of LISTS) {
    for (const item of snapshot[list] ?? []) {
      const itemBytes = byteLength(item) + 1;
      const nonEmpty = LISTS.some((name) => (frame[name]?.length ?? 0) > 0);
      if (size + itemBytes > maxBytes && nonEmpty) {
        frames.push(frame);
        frame = empty();
        size = byteLength(frame) + 16;
      }
      // empty() starts every list, `changes` included.
      (frame[list] as unknown[]).push(item);
      size += itemBytes;
    }
  }
  frame.last = true;
  frames.push(frame);
  return frames;
}
