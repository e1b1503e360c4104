import { MAX_SERVER_FRAME_BYTES, type Message, type Snapshot } from "../../src/protocol";
import { describe, expect, it } from "vitest";
import { fitSnapshot } from "../../src/snapshot";

const message = (n: number, text = "x".repeat(4000)): Message => ({
  messageId: `01JP3Q8Z5K7V2M4N6R8T0W${String(n).padStart(4, "0")}`,
  roomId: "01JP3Q8Z5K7V2M4N6R8T0W2Y4A",
  clientMessageId: `c${n}`,
  author: "Ann",
  text,
  sentAt: "2026-03-12T19:00:00.000Z",
});
const snapshot = (messages: Message[]): Snapshot => ({
  room: { roomId: "01JP3Q8Z5K7V2M4N6R8T0W2Y4A", name: "big", createdAt: "2026-03-12T19:00:00.000Z" },
  todos: [],
  members: [],
  messages,
  hasMore: false,
});
const size = (s: Snapshot) => Buffer.byteLength(JSON.stringify({ type: "snapshot", ...s }));

describe("fitSnapshot", () => {
  it("leaves a snapshot that fits alone", () => {
    const small = snapshot([message(1, "hi")]);
    expect(fitSnapshot(small, { keep: "newest" })).toBe(small);
  });

  // 50 messages of 4000 three-byte characters: about 600 KB.
  const big = snapshot(Array.from({ length: 50 }, (_, i) => message(i, "€".repeat(4000))));

  it("a newest page keeps the newest messages that fit, oldest to newest, and says there is more", () => {
    const fitted = fitSnapshot(big, { keep: "newest" });
    expect(size(fitted)).toBeLessThanOrEqual(MAX_SERVER_FRAME_BYTES);
    expect(fitted.hasMore).toBe(true);
    expect(fitted.messages.length).toBeGreaterThan(0);
    expect(fitted.messages).toEqual(big.messages.slice(-fitted.messages.length));
  });

  it("a catch-up keeps the oldest messages that fit, so the next sync continues after them", () => {
    const fitted = fitSnapshot(big, { keep: "oldest" });
    expect(size(fitted)).toBeLessThanOrEqual(MAX_SERVER_FRAME_BYTES);
    expect(fitted.hasMore).toBe(true);
    expect(fitted.messages).toEqual(big.messages.slice(0, fitted.messages.length));
  });
});
