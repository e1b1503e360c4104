import { describe, expect, it } from "vitest";
import {
  MAX_SERVER_FRAME_BYTES,
  type Message,
  type Snapshot,
  type SnapshotFrame,
  type Todo,
} from "../../src/protocol";
import { snapshotParts } from "../../src/snapshot";

const roomId = "01JP3Q8Z5K7V2M4N6R8T0W2Y4A";
const message = (n: number, text = "x".repeat(4000)): Message => ({
  messageId: `01JP3Q8Z5K7V2M4N6R8T0W${String(n).padStart(4, "0")}`,
  roomId,
  seq: n,
  clientMessageId: `c${n}`,
  authorId: "01JP3Q8Z5K7V2M4N6R8T0W2Y4B",
  author: "Ann",
  text,
  mentions: [],
  sentAt: "2026-03-12T19:00:00.000Z",
});
const todo = (n: number): Todo => ({
  todoId: `01JP3Q8Z5K7V2M4N6R8T1T${String(n).padStart(4, "0")}`,
  roomId,
  title: `todo ${n} ${"t".repeat(180)}`,
  done: false,
  version: 1,
  position: `a${n}`,
  createdAt: "2026-03-12T19:00:00.000Z",
  updatedAt: "2026-03-12T19:00:00.000Z",
});
const snapshot = ({ messages = [] as Message[], todos = [] as Todo[] } = {}): Snapshot => ({
  room: {
    roomId,
    name: "big",
    createdAt: "2026-03-12T19:00:00.000Z",
    visibility: "public",
    lastSeq: messages.length,
  },
  todos,
  members: [],
  memberCount: 0,
  messages,
  hasMore: false,
  readSeq: 3,
  reads: [{ userId: "u-bob", seq: 2 }],
});
const size = (frame: SnapshotFrame) => Buffer.byteLength(JSON.stringify(frame));

describe("snapshotParts", () => {
  it("sends a snapshot that fits as one frame, without part or last", () => {
    const small = snapshot({ messages: [message(1, "hi")] });
    expect(snapshotParts(small)).toEqual([{ type: "snapshot", ...small }]);
  });

  // 50 messages of 4000 three-byte characters and 300 todos: about 660 KB.
  const big = snapshot({
    messages: Array.from({ length: 50 }, (_, i) => message(i + 1, "€".repeat(4000))),
    todos: Array.from({ length: 300 }, (_, i) => todo(i)),
  });
  const parts = snapshotParts(big);

  it("cuts a big one into frames of at most 128 KB, numbered from 1, the last one marked", () => {
    expect(parts.length).toBeGreaterThan(4);
    for (const frame of parts) expect(size(frame)).toBeLessThanOrEqual(MAX_SERVER_FRAME_BYTES);
    expect(parts.map((f) => f.part)).toEqual(parts.map((_, i) => i + 1));
    expect(parts.map((f) => f.last)).toEqual(parts.map((_, i) => i === parts.length - 1));
  });

  it("drops nothing: each list concatenated over the parts is the original, in order", () => {
    expect(parts.flatMap((f) => f.messages)).toEqual(big.messages);
    expect(parts.flatMap((f) => f.todos)).toEqual(big.todos);
    expect(parts.flatMap((f) => f.members)).toEqual(big.members);
  });

  it("repeats the small fields in every part", () => {
    for (const frame of parts) {
      expect(frame).toMatchObject({
        type: "snapshot",
        room: big.room,
        memberCount: 0,
        hasMore: false,
        readSeq: 3,
        reads: big.reads,
      });
    }
  });

  it("honours a smaller limit", () => {
    const small = snapshotParts(big, 32 * 1024);
    for (const frame of small) expect(size(frame)).toBeLessThanOrEqual(32 * 1024);
    expect(small.flatMap((f) => f.messages)).toEqual(big.messages);
  });
});
