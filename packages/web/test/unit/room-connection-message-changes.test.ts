import { describe, expect, it } from "vitest";
import { defaultTiming } from "../../src/network/connection-timing";
import { ANA, BO, message, snapshot } from "./support/fixtures";
import { harness } from "./support/harness";

const EDITED_AT = "2025-01-01T00:05:00.000Z";

describe("RoomConnection: edits, deletions and reactions", () => {
  it("sends editMessage, deleteMessage and react frames for a held message", () => {
    const { connection, sockets, goLive } = harness();
    const own = message(1, { authorId: ANA, author: "Ana" });
    goLive({ messages: [own] });
    expect(connection.editMessage(own, "fixed")).toEqual({ ok: true });
    expect(connection.deleteMessage(own)).toEqual({ ok: true });
    expect(connection.react(own, "👍", true)).toEqual({ ok: true });
    expect(sockets.last.frames.filter((f) => f.action !== "sync")).toEqual([
      { action: "editMessage", messageId: own.messageId, text: "fixed" },
      { action: "deleteMessage", messageId: own.messageId },
      { action: "react", messageId: own.messageId, emoji: "👍", on: true },
    ]);
  });

  it("refuses an empty or over-long edit, sends nothing for the same text, and refuses all of it offline", () => {
    const { connection, sockets, goLive } = harness();
    const own = message(1, { authorId: ANA, text: "same" });
    goLive({ messages: [own] });
    expect(connection.editMessage(own, "  ")).toEqual({ ok: false, refusal: "empty" });
    expect(connection.editMessage(own, "x".repeat(4001))).toEqual({ ok: false, refusal: "tooLong" });
    expect(connection.editMessage(own, "same")).toEqual({ ok: true });
    expect(sockets.last.frames.filter((f) => f.action !== "sync")).toEqual([]);
    sockets.last.drop();
    expect(connection.editMessage(own, "new")).toEqual({ ok: false, refusal: "offline" });
    expect(connection.react(own, "👍", true)).toEqual({ ok: false, refusal: "offline" });
  });

  it("shows an edit, a deletion as a tombstone, and reactions from the room's frames", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ messages: [message(1), message(2)] });
    sockets.last.receive({
      type: "messageUpdated",
      message: { ...message(1), text: "better", editedAt: EDITED_AT, reactions: [] },
    });
    sockets.last.receive({ type: "messageDeleted", messageId: message(2).messageId, seq: 2 });
    sockets.last.receive({
      type: "reactions",
      messageId: message(1).messageId,
      reactions: [{ emoji: "🎉", count: 2 }],
    });
    const [first, second] = connection.state.messages;
    expect(first).toMatchObject({
      seq: 1,
      text: "better",
      editedAt: EDITED_AT,
      reactions: [{ emoji: "🎉", count: 2 }],
    });
    expect(second).toMatchObject({ seq: 2, text: "", mentions: [], reactions: [] });
    expect(second?.deletedAt).toEqual(expect.any(String));
    // Edits and deletions take no seq.
    expect(connection.state.lastSeq).toBe(2);
  });

  it("never brings a deleted message back, and never lets an older edit replace a newer one", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ messages: [message(1), message(2)] });
    sockets.last.receive({
      type: "messageUpdated",
      message: { ...message(1), text: "second edit", editedAt: "2025-01-01T00:06:00.000Z" },
    });
    sockets.last.receive({
      type: "messageUpdated",
      message: { ...message(1), text: "first edit", editedAt: EDITED_AT },
    });
    sockets.last.receive({ type: "messageDeleted", messageId: message(2).messageId, seq: 2 });
    sockets.last.receive({ type: "messageUpdated", message: { ...message(2), editedAt: EDITED_AT } });
    sockets.last.receive({
      type: "reactions",
      messageId: message(2).messageId,
      reactions: [{ emoji: "👍", count: 1 }],
    });
    expect(connection.state.messages.map((m) => m.text)).toEqual(["second edit", ""]);
    expect(connection.state.messages[1]?.reactions).toEqual([]);
  });

  it("knows which reactions are mine from my own toggles, as the room's broadcast cannot say", () => {
    const { connection, sockets, goLive } = harness();
    const theirs = message(1, { reactions: [{ emoji: "❤️", count: 1, mine: true }] });
    goLive({ messages: [theirs] });
    connection.react(theirs, "👍", true);
    sockets.last.receive({
      type: "reactions",
      messageId: theirs.messageId,
      reactions: [
        { emoji: "❤️", count: 2 },
        { emoji: "👍", count: 1 },
      ],
    });
    expect(connection.state.messages[0]?.reactions).toEqual([
      { emoji: "❤️", count: 2, mine: true },
      { emoji: "👍", count: 1, mine: true },
    ]);
    // Bo reacts too: mine stays mine.
    connection.react(theirs, "❤️", false);
    sockets.last.receive({
      type: "reactions",
      messageId: theirs.messageId,
      reactions: [
        { emoji: "❤️", count: 1 },
        { emoji: "👍", count: 2 },
      ],
    });
    expect(connection.state.messages[0]?.reactions).toEqual([
      { emoji: "❤️", count: 1 },
      { emoji: "👍", count: 2, mine: true },
    ]);
  });

  it("takes a held message's newer copy from a catch-up snapshot (edits, deletions and reactions made while away)", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [message(1), message(2), message(3, { authorId: ANA })] });
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    sockets.last.receive(
      snapshot({
        messages: [
          { ...message(1), text: "edited while away", editedAt: EDITED_AT },
          { ...message(2), text: "", deletedAt: EDITED_AT, reactions: [] },
          message(3, { authorId: ANA, reactions: [{ emoji: "😮", count: 1, mine: true }] }),
          message(4, { authorId: BO }),
        ],
      }),
    );
    expect(connection.state.messages.map((m) => [m.seq, m.text, m.deletedAt ?? null])).toEqual([
      [1, "edited while away", null],
      [2, "", EDITED_AT],
      [3, "message 3", null],
      [4, "message 4", null],
    ]);
    expect(connection.state.messages[2]?.reactions).toEqual([{ emoji: "😮", count: 1, mine: true }]);
  });

  it("takes mine from a reactions frame that says it (the answer to my toggle, from any of my tabs)", () => {
    const { connection, sockets, goLive } = harness();
    const theirs = message(1, { reactions: [{ emoji: "❤️", count: 1, mine: true }] });
    goLive({ messages: [theirs] });
    sockets.last.receive({
      type: "reactions",
      messageId: theirs.messageId,
      reactions: [
        { emoji: "❤️", count: 1, mine: false },
        { emoji: "👍", count: 1, mine: true },
      ],
    });
    expect(connection.state.messages[0]?.reactions).toEqual([
      { emoji: "❤️", count: 1 },
      { emoji: "👍", count: 1, mine: true },
    ]);
  });

  it("asks a catch-up for the changes since the last snapshot and applies them to held messages", () => {
    const { connection, sockets, clock, goLive } = harness({ random: () => 0 });
    goLive({ messages: [message(1), message(2)], syncedAt: "2025-01-01T00:10:00.000Z" });
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    expect(sockets.last.frames).toEqual([
      { action: "sync", afterSeq: 2, changesSince: "2025-01-01T00:10:00.000Z" },
    ]);
    sockets.last.receive(
      snapshot({
        messages: [],
        changes: [
          { ...message(1), text: "edited while away", editedAt: EDITED_AT, reactions: [] },
          { ...message(2), text: "", deletedAt: EDITED_AT, reactions: [] },
        ],
        syncedAt: "2025-01-01T00:20:00.000Z",
      }),
    );
    expect(connection.state.messages.map((m) => [m.text, m.deletedAt ?? null])).toEqual([
      ["edited while away", null],
      ["", EDITED_AT],
    ]);
    // A gap sync while live asks for no changes (they came live).
    sockets.last.receive({ type: "pong", lastSeq: 3 });
    clock.advance(defaultTiming.gapSyncDelayMs);
    expect(sockets.last.framesOf("sync").at(-1)).toEqual({ action: "sync", afterSeq: 2 });
    sockets.last.receive(snapshot({ messages: [message(3)], syncedAt: "2025-01-01T00:20:00.000Z" }));
    // The next catch-up after being away starts from the last snapshot.
    sockets.last.drop();
    clock.advance(0);
    sockets.last.accept();
    expect(sockets.last.frames).toEqual([
      { action: "sync", afterSeq: 3, changesSince: "2025-01-01T00:20:00.000Z" },
    ]);
  });

  it("shows the server's refusal of an edit as a notice", () => {
    const { connection, sockets, goLive } = harness();
    goLive({ messages: [message(1)] });
    connection.editMessage(message(1), "not mine");
    sockets.last.receive({ type: "error", code: "forbidden", message: "not yours", action: "editMessage" });
    expect(connection.state.notices.at(-1)).toMatchObject({
      tone: "error",
      kind: "refused",
      action: "editMessage",
      problem: { code: "forbidden" },
    });
    expect(connection.state.messages[0]?.text).toBe("message 1");
  });
});
