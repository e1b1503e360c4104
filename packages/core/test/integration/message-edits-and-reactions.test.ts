import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { ForbiddenError, LimitReachedError, NotFoundError, ValidationError } from "../../src/errors";
import { Membership } from "../../src/membership";
import { changedInWindow, Message, MessageEdits } from "../../src/message";
import { Reaction } from "../../src/reaction";
import { Room } from "../../src/room";
import { Snapshot } from "../../src/snapshot";
import { roomPartition } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let client: DynamoDBClient;
let table: string;
let roomId: string;
let otherRoomId: string;
const owner = newUser("Olga");
const ann = newUser("Ann");
const bob = newUser("Bob");
beforeAll(async () => {
  ({ db, client, table } = await createTestDb());
  const room = await Room.create(db, { input: { name: "edits" }, caller: owner });
  roomId = room.roomId;
  for (const user of [ann, bob]) await Membership.join(db, { room, user });
  otherRoomId = (await Room.create(db, { input: { name: "elsewhere" }, caller: bob })).roomId;
});

let counter = 0;
const send = async (author = ann, text = "hello", room = roomId) =>
  (
    await Message.send(db, {
      roomId: room,
      authorId: author.userId,
      author: author.name,
      text,
      clientMessageId: `m-${counter++}`,
    })
  ).message;
const react = (user: typeof ann, messageId: string, emoji: string, on = true, options = {}) =>
  Reaction.toggle(db, { roomId, userId: user.userId, messageId, emoji, on }, options);
const historyOf = async (reader = ann) =>
  (await Message.roomHistory(db, { input: { roomId, limit: 100 }, caller: reader })).messages;

describe("editMessage", () => {
  it("replaces the author's text and sets editedAt, keeping seq and mentions", async () => {
    const sent = await send(ann, "helo");
    const at = new Date("2030-01-01T00:00:00.000Z");
    const { message, changed } = await MessageEdits.edit(
      db,
      { roomId, userId: ann.userId, messageId: sent.messageId, text: "hello" },
      at,
    );
    expect(changed).toBe(true);
    expect(message).toEqual({ ...sent, text: "hello", editedAt: at.toISOString(), reactions: [] });
    expect((await historyOf()).find((m) => m.messageId === sent.messageId)).toEqual(message);
    const { lastSeq } = await Room.get(db, { roomId });
    expect(lastSeq).toBe(sent.seq);
  });

  it("refuses anyone but the author (the owner too) and leaves the text as it was", async () => {
    const sent = await send(ann, "mine");
    for (const user of [bob, owner]) {
      await expect(
        MessageEdits.edit(db, { roomId, userId: user.userId, messageId: sent.messageId, text: "theirs" }),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect((await historyOf()).find((m) => m.messageId === sent.messageId)?.text).toBe("mine");
  });

  it("applies sendMessage's text rules and finds only messages of the caller's room", async () => {
    const sent = await send(ann);
    for (const text of ["", "   ", "x".repeat(4001), "a\u202eb"]) {
      await expect(
        MessageEdits.edit(db, { roomId, userId: ann.userId, messageId: sent.messageId, text }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    const elsewhere = await send(bob, "over there", otherRoomId);
    await expect(
      MessageEdits.edit(db, { roomId, userId: bob.userId, messageId: elsewhere.messageId, text: "x" }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("the same text again changes nothing", async () => {
    const sent = await send(ann, "same");
    const { changed, message } = await MessageEdits.edit(db, {
      roomId,
      userId: ann.userId,
      messageId: sent.messageId,
      text: "same",
    });
    expect(changed).toBe(false);
    expect(message.editedAt).toBeUndefined();
  });
});

describe("deleteMessage", () => {
  it("leaves a tombstone at the same seq: no text, no mentions, no reactions, deletedAt", async () => {
    const sent = await Message.send(db, {
      roomId,
      authorId: ann.userId,
      author: ann.name,
      text: "@bob look",
      clientMessageId: `m-${counter++}`,
      mentions: [bob.userId],
    });
    await react(bob, sent.message.messageId, "👍");
    const removed = await MessageEdits.remove(db, {
      roomId,
      userId: ann.userId,
      messageId: sent.message.messageId,
    });
    expect(removed).toEqual({ messageId: sent.message.messageId, seq: sent.message.seq, changed: true });
    const tombstone = (await historyOf(bob)).find((m) => m.messageId === sent.message.messageId);
    expect(tombstone).toEqual({
      ...sent.message,
      text: "",
      mentions: [],
      deletedAt: expect.any(String),
      reactions: [],
    });
    // A tombstone can be neither edited nor reacted to; deleting it again is a no-op.
    await expect(
      MessageEdits.edit(db, { roomId, userId: ann.userId, messageId: sent.message.messageId, text: "back" }),
    ).rejects.toThrow(/deleted/);
    await expect(react(bob, sent.message.messageId, "🎉")).rejects.toBeInstanceOf(NotFoundError);
    expect(
      (await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: sent.message.messageId }))
        .changed,
    ).toBe(false);
  });

  it("the room's owner may delete anyone's message; another member may not", async () => {
    const sent = await send(ann, "owner will remove this");
    await expect(
      MessageEdits.remove(db, { roomId, userId: bob.userId, messageId: sent.messageId }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect((await historyOf()).find((m) => m.messageId === sent.messageId)?.deletedAt).toBeUndefined();
    const removed = await MessageEdits.remove(db, {
      roomId,
      userId: owner.userId,
      messageId: sent.messageId,
    });
    expect(removed.changed).toBe(true);
  });
});

describe("react", () => {
  it("toggles per (message, user, emoji): counts with mine, idempotent both ways", async () => {
    const sent = await send(ann);
    const first = await react(ann, sent.messageId, "👍");
    expect(first).toMatchObject({ changed: true, reactions: [{ emoji: "👍", count: 1, mine: true }] });
    const again = await react(ann, sent.messageId, "👍");
    expect(again).toMatchObject({ changed: false, reactions: [{ emoji: "👍", count: 1, mine: true }] });
    const bobs = await react(bob, sent.messageId, "👍");
    expect(bobs.reactions).toEqual([{ emoji: "👍", count: 2, mine: true }]);
    await react(bob, sent.messageId, "🎉");
    const off = await react(ann, sent.messageId, "👍", false);
    expect(off.reactions).toEqual([
      { emoji: "👍", count: 1, mine: false },
      { emoji: "🎉", count: 1, mine: false },
    ]);
    expect((await react(ann, sent.messageId, "👍", false)).changed).toBe(false);
    // History: counts in first-use order, `mine` for the reader.
    const asBob = (await historyOf(bob)).find((m) => m.messageId === sent.messageId);
    expect(asBob?.reactions).toEqual([
      { emoji: "👍", count: 1, mine: true },
      { emoji: "🎉", count: 1, mine: true },
    ]);
    const asAnn = (await historyOf(ann)).find((m) => m.messageId === sent.messageId);
    expect(asAnn?.reactions).toEqual([
      { emoji: "👍", count: 1, mine: false },
      { emoji: "🎉", count: 1, mine: false },
    ]);
  });

  it("counts never drift under concurrent toggles of many users", async () => {
    const sent = await send(ann);
    const users = Array.from({ length: 24 }, (_, i) => newUser(`r${i}`));
    // Each user turns it on twice and off once at once, then on again: every one ends on, once.
    await Promise.all(
      users.map(async (user) => {
        await Promise.all([react(user, sent.messageId, "🔥"), react(user, sent.messageId, "🔥")]);
        await react(user, sent.messageId, "🔥", false);
        await react(user, sent.messageId, "🔥");
      }),
    );
    const [message] = (await historyOf()).filter((m) => m.messageId === sent.messageId);
    expect(message?.reactions).toEqual([{ emoji: "🔥", count: users.length, mine: false }]);
    // The counts are spread over shards, and each shard counts its own users' reaction items exactly.
    const items = await roomPartition(db, client, table, roomId);
    const shards = items.filter((i) => i.__edb_e__?.S === "reactionCount" && Number(i.seq?.N) === sent.seq);
    const reactions = items.filter((i) => i.__edb_e__?.S === "reaction" && Number(i.seq?.N) === sent.seq);
    expect(shards.length).toBeGreaterThan(1);
    expect(shards.reduce((sum, shard) => sum + Number(shard.count?.N), 0)).toBe(reactions.length);
  });

  it("takes exactly one emoji: a single grapheme, flags and ZWJ sequences included", async () => {
    const sent = await send(ann);
    for (const emoji of ["👨‍👩‍👧‍👦", "🇫🇷", "👍🏽", "1️⃣", "❤️"]) {
      expect((await react(ann, sent.messageId, emoji)).changed).toBe(true);
    }
    for (const emoji of ["👍👍", "ab", "a", "", "👍 ", "🇫🇷🇩🇪", `a${"\u0301".repeat(40)}`]) {
      await expect(react(ann, sent.messageId, emoji)).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it("at most N distinct emojis per message: the next new one is limit_reached, known ones still toggle", async () => {
    const sent = await send(ann);
    const emojis = ["😀", "😁", "😂", "🤣", "😃"];
    for (const emoji of emojis) await react(bob, sent.messageId, emoji, true, { maxEmojis: 5 });
    await expect(react(ann, sent.messageId, "😄", true, { maxEmojis: 5 })).rejects.toBeInstanceOf(
      LimitReachedError,
    );
    expect((await react(ann, sent.messageId, "😀", true, { maxEmojis: 5 })).changed).toBe(true);
    const message = (await historyOf()).find((m) => m.messageId === sent.messageId);
    expect(message?.reactions?.map((r) => r.emoji)).toEqual(emojis);
  });

  it("refuses a message of another room as not_found", async () => {
    const elsewhere = await send(bob, "other room", otherRoomId);
    await expect(react(bob, elsewhere.messageId, "👍")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("sync changes", () => {
  // A room of their own: what earlier tests changed is not in its window.
  beforeAll(async () => {
    const room = await Room.create(db, { input: { name: "sync" }, caller: owner });
    roomId = room.roomId;
    for (const user of [ann, bob]) await Membership.join(db, { room, user });
  });

  it("returns messages up to afterSeq edited, deleted or reacted to since changesSince, as they are now", async () => {
    const [a, b, c, d] = [
      await send(ann, "a"),
      await send(ann, "b"),
      await send(ann, "c"),
      await send(ann, "d"),
    ];
    const before = await Snapshot.read(db, { roomId, userId: bob.userId, afterSeq: d!.seq });
    // Changes older than the margin are not repeated; these happen "later" than the snapshot.
    const later = new Date(Date.parse(before.syncedAt!) + 60_000);
    await MessageEdits.edit(db, { roomId, userId: ann.userId, messageId: a!.messageId, text: "a2" }, later);
    await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: b!.messageId }, later);
    await Reaction.toggle(
      db,
      { roomId, userId: bob.userId, messageId: c!.messageId, emoji: "👀", on: true },
      { now: later },
    );
    const since = new Date(Date.parse(before.syncedAt!) + 30_000).toISOString();
    const snapshot = await Snapshot.read(db, {
      roomId,
      userId: bob.userId,
      afterSeq: d!.seq,
      changesSince: since,
    });
    expect(snapshot.messages).toEqual([]);
    expect(snapshot.changes?.map((m) => [m.seq, m.text, !!m.editedAt, !!m.deletedAt, m.reactions])).toEqual([
      [a!.seq, "a2", true, false, []],
      [b!.seq, "", false, true, []],
      [c!.seq, "c", false, false, [{ emoji: "👀", count: 1, mine: true }]],
    ]);
    // Without changesSince: every message of the window that was ever changed.
    const all = await changedInWindow(db, { roomId, afterSeq: d!.seq, reader: bob.userId });
    expect(all.map((m) => m.seq)).toEqual(expect.arrayContaining([a!.seq, b!.seq, c!.seq]));
    expect(all.map((m) => m.seq)).not.toContain(d!.seq);
    // A window of 2 up to d sees only c (and d, unchanged).
    const narrow = await changedInWindow(db, { roomId, afterSeq: d!.seq, reader: bob.userId, window: 2 });
    expect(narrow.map((m) => m.seq)).toEqual([c!.seq]);
  });

  it("new messages in a snapshot carry their reactions and the reader's mine", async () => {
    const sent = await send(ann, "fresh");
    await react(bob, sent.messageId, "✅");
    const snapshot = await Snapshot.read(db, { roomId, userId: bob.userId, afterSeq: sent.seq - 1 });
    expect(snapshot.messages).toEqual([
      expect.objectContaining({ seq: sent.seq, reactions: [{ emoji: "✅", count: 1, mine: true }] }),
    ]);
    expect(snapshot.changes?.map((m) => m.seq)).not.toContain(sent.seq);
    const newest = await Snapshot.read(db, { roomId, userId: ann.userId });
    expect(newest.messages.at(-1)?.reactions).toEqual([{ emoji: "✅", count: 1, mine: false }]);
  });
});
