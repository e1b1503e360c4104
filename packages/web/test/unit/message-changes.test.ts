import { describe, expect, it } from "vitest";
import {
  deleteMessage,
  MyReactions,
  refreshMessages,
  setReactions,
  updateMessage,
} from "../../src/network/message-changes";
import { deleteMessageCommand, editMessageCommand, reactCommand } from "../../src/network/message-commands";
import { joinSnapshotParts } from "../../src/network/room-state";
import { message } from "./support/fixtures";

const AT = "2025-01-01T01:00:00.000Z";

describe("message changes", () => {
  it("return the same list when nothing changes (a repeated frame, or a message not held)", () => {
    const list = [message(1), message(2)];
    expect(updateMessage(list, message(1))).toBe(list);
    expect(updateMessage(list, { ...message(9), text: "x" })).toBe(list);
    expect(deleteMessage(list, { messageId: message(9).messageId, deletedAt: AT })).toBe(list);
    expect(setReactions(list, message(9).messageId, [{ emoji: "👍", count: 1 }])).toBe(list);
    const reacted = setReactions(list, message(1).messageId, [{ emoji: "👍", count: 1 }]);
    expect(setReactions(reacted, message(1).messageId, [{ emoji: "👍", count: 1 }])).toBe(reacted);
    const deleted = deleteMessage(list, { messageId: message(2).messageId, deletedAt: AT });
    expect(deleteMessage(deleted, { messageId: message(2).messageId, deletedAt: "later" })).toBe(deleted);
    expect(refreshMessages(list, [message(1), message(3)])).toBe(list);
  });

  it("keep a tombstone's deletedAt and nothing of its text, mentions or reactions", () => {
    const list = [message(1, { mentions: ["u"], reactions: [{ emoji: "👍", count: 3 }] })];
    expect(deleteMessage(list, { messageId: message(1).messageId, deletedAt: AT })[0]).toMatchObject({
      text: "",
      mentions: [],
      reactions: [],
      deletedAt: AT,
      seq: 1,
    });
  });

  it("take a snapshot's newer copy of a held message, keeping where it is", () => {
    const list = [message(1), message(2)];
    const next = refreshMessages(list, [{ ...message(2), text: "edited", editedAt: AT }]);
    expect(next.map((m) => m.text)).toEqual(["message 1", "edited"]);
  });
});

describe("a snapshot in parts", () => {
  it("joins the changes of every part and keeps the syncedAt", () => {
    const joined = joinSnapshotParts([
      { part: 2, last: true, changes: [message(2)], syncedAt: AT },
      { part: 1, last: false, changes: [message(1)], syncedAt: AT },
    ]);
    expect(joined.changes?.map((m) => m.seq)).toEqual([1, 2]);
    expect(joined.syncedAt).toBe(AT);
  });
});

describe("MyReactions", () => {
  it("marks mine what I last toggled on, or what was mine before, and never a count of zero", () => {
    const mine = new MyReactions();
    const previous = [{ emoji: "❤️", count: 1, mine: true }];
    expect(mine.resolve("m1", [{ emoji: "❤️", count: 2 }], previous)).toEqual([
      { emoji: "❤️", count: 2, mine: true },
    ]);
    mine.toggled("m1", "❤️", false);
    mine.toggled("m1", "👍", true);
    expect(
      mine.resolve(
        "m1",
        [
          { emoji: "❤️", count: 1 },
          { emoji: "👍", count: 1 },
        ],
        previous,
      ),
    ).toEqual([
      { emoji: "❤️", count: 1 },
      { emoji: "👍", count: 1, mine: true },
    ]);
    expect(mine.resolve("m1", [{ emoji: "👍", count: 0 }], [])).toEqual([{ emoji: "👍", count: 0 }]);
    // Toggles on one message say nothing about another.
    expect(mine.resolve("m2", [{ emoji: "👍", count: 1 }], [])).toEqual([{ emoji: "👍", count: 1 }]);
  });

  it("lets what the server says to me alone (a snapshot) replace my toggles", () => {
    const mine = new MyReactions();
    mine.toggled(message(1).messageId, "👍", true);
    mine.heard([message(1)]);
    expect(mine.resolve(message(1).messageId, [{ emoji: "👍", count: 1 }], [])).toEqual([
      { emoji: "👍", count: 1 },
    ]);
  });
});

describe("message commands", () => {
  it("send nothing for a tombstone", () => {
    const gone = message(1, { text: "", deletedAt: AT });
    expect(editMessageCommand(gone, "back")).toBeNull();
    expect(deleteMessageCommand(gone)).toBeNull();
    expect(reactCommand(gone, "👍", true)).toBeNull();
  });
});
