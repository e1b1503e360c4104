import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { BroadcastLogEntry } from "../../src/broadcast/delivery-options";
import { createDb, type Db } from "../../src/db";
import { NotFoundError } from "../../src/errors";
import { Membership } from "../../src/membership";
import { changedInWindow, Message, MessageEdits } from "../../src/message";
import type { User } from "../../src/protocol";
import { Reaction } from "../../src/reaction";
import { deleteMessage, joinRoom } from "../../src/realtime";
import { Room } from "../../src/room";
import { Snapshot } from "../../src/snapshot";
import { recordingSender } from "../support/recording-sender";
import { roomPartition } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

/**
 * Deleting a message leaves nothing of it that still counts: the mentioned members' unread mentions drop it in
 * the deletion's own transaction, and its reaction items and counts are removed from the table afterwards (by
 * key, page by page, safe to repeat), while every read already shows the tombstone without reactions.
 */
let db: Db;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => ({ db, client, table } = await createTestDb()));

const owner = newUser("Olga");
const ann = newUser("Ann");
const bob = newUser("Bob");
const cat = newUser("Cat");

async function newRoom(name: string, members: User[] = [ann, bob, cat]) {
  const room = await Room.create(db, { input: { name }, caller: owner });
  for (const user of members) await Membership.join(db, { room, user });
  return room.roomId;
}

let counter = 0;
const send = async (roomId: string, author: User, text = "hello", mentions: string[] = []) =>
  (
    await Message.send(db, {
      roomId,
      authorId: author.userId,
      author: author.name,
      text,
      clientMessageId: `m-${counter++}`,
      mentions,
    })
  ).message;

const unreadMentionsOf = async (user: User, roomId: string) =>
  (await Membership.listMine(db, { input: { limit: 100 }, caller: user })).rooms.find(
    (room) => room.roomId === roomId,
  )?.unreadMentions;

/** The reaction and count items stored for one message (read straight from the table). */
async function reactionItemsOf(roomId: string, seq: number) {
  const items = await roomPartition(db, client, table, roomId);
  return items.filter(
    (item) => ["reaction", "reactionCount"].includes(item.__edb_e__?.S ?? "") && Number(item.seq?.N) === seq,
  );
}

/**
 * A db on this file's table whose client runs `before(command, index)` ahead of each command it sends; what
 * `before` throws fails that command.
 */
function interceptedDb(before: (command: string, index: number) => Promise<void> | void) {
  let sent = 0;
  const intercepted = localDynamoClient(inject("dynamodbEndpoint"));
  intercepted.middlewareStack.add(
    (next, context) => async (args) => {
      await before(String(context.commandName), sent++);
      return next(args);
    },
    { step: "initialize", name: "interceptCommands" },
  );
  return createDb({ client: intercepted, table });
}

describe("deleting a message and unread mentions", () => {
  it("the members it mentioned no longer count it; their other mentions stay", async () => {
    const roomId = await newRoom("mentions");
    const first = await send(roomId, ann, "@bob @cat look", [bob.userId, cat.userId]);
    const second = await send(roomId, ann, "@bob again", [bob.userId]);
    expect(await unreadMentionsOf(bob, roomId)).toBe(2);
    expect(await unreadMentionsOf(cat, roomId)).toBe(1);

    const removed = await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: first.messageId });
    expect(removed.changed).toBe(true);
    expect(await unreadMentionsOf(bob, roomId)).toBe(1);
    expect(await unreadMentionsOf(cat, roomId)).toBe(0);
    expect((await Membership.get(db, { roomId, userId: bob.userId }))?.mentionSeqs).toEqual([second.seq]);
  });

  it("the owner deletes it after one mentioned member read it and another left the room", async () => {
    const roomId = await newRoom("mentions, later");
    const dan = newUser("Dan");
    await Membership.join(db, { room: await Room.get(db, { roomId }), user: dan });
    const sent = await send(roomId, ann, "@bob @cat @dan", [bob.userId, cat.userId, dan.userId]);
    await Membership.markRead(db, { roomId, userId: cat.userId, seq: sent.seq });
    await Membership.remove(db, { input: { roomId, userId: "me" }, caller: dan });

    const removed = await MessageEdits.remove(db, {
      roomId,
      userId: owner.userId,
      messageId: sent.messageId,
    });
    expect(removed.changed).toBe(true);
    expect(await unreadMentionsOf(bob, roomId)).toBe(0);
    expect(await unreadMentionsOf(cat, roomId)).toBe(0);
    expect(await Membership.get(db, { roomId, userId: dan.userId })).toBeNull();
  });

  it("a markRead racing the deletion does not bring the deleted mention back", async () => {
    const roomId = await newRoom("mentions, racing");
    const read = await send(roomId, ann, "@bob first", [bob.userId]);
    const doomed = await send(roomId, ann, "@bob second", [bob.userId]);
    // Bob's markRead has read his mentions [read, doomed]; the deletion lands just before its write.
    let deletedFirst = false;
    const racing = interceptedDb(async (command) => {
      if (command !== "UpdateItemCommand" || deletedFirst) return;
      deletedFirst = true;
      await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: doomed.messageId });
    });
    expect(await Membership.markRead(racing, { roomId, userId: bob.userId, seq: read.seq })).toBe(true);
    expect(deletedFirst).toBe(true);
    expect(await unreadMentionsOf(bob, roomId)).toBe(0);
    expect((await Membership.get(db, { roomId, userId: bob.userId }))?.mentionSeqs).toEqual([]);
  });
});

describe("deleting a message and its reactions", () => {
  /** `users` react to the message with each of `emojis`. */
  async function reactAll(roomId: string, messageId: string, users: User[], emojis: string[]) {
    for (const emoji of emojis)
      await Promise.all(
        users.map((user) => Reaction.toggle(db, { roomId, userId: user.userId, messageId, emoji, on: true })),
      );
  }

  it("removes every reaction item and count of the message, page by page, and nothing of other messages", async () => {
    const roomId = await newRoom("reactions");
    const doomed = await send(roomId, ann, "react, then gone");
    const kept = await send(roomId, ann, "react and stay");
    const reactors = Array.from({ length: 30 }, (_, i) => newUser(`r${i}`));
    await reactAll(roomId, doomed.messageId, reactors, ["👍", "🎉"]);
    await reactAll(roomId, kept.messageId, [bob, cat], ["👍"]);
    const stored = (await reactionItemsOf(roomId, doomed.seq)).length;
    expect(stored).toBeGreaterThan(60);

    await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: doomed.messageId });
    // Pages of 7: several transactions per shard.
    expect(await Reaction.removeOfMessage(db, { roomId, seq: doomed.seq, pageSize: 7 })).toBe(stored);
    expect(await reactionItemsOf(roomId, doomed.seq)).toEqual([]);
    // Again: nothing left, nothing deleted.
    expect(await Reaction.removeOfMessage(db, { roomId, seq: doomed.seq })).toBe(0);

    const history = (await Message.roomHistory(db, { input: { roomId, limit: 100 }, caller: bob })).messages;
    expect(history.map((m) => [m.seq, m.reactions])).toEqual([
      [doomed.seq, []],
      [kept.seq, [{ emoji: "👍", count: 2, mine: true }]],
    ]);
  });

  it("a tombstone shows no reactions in history, snapshots and sync changes, before its items are removed", async () => {
    const roomId = await newRoom("reactions, hidden");
    const sent = await send(roomId, ann, "gone soon");
    await reactAll(roomId, sent.messageId, [bob, cat], ["👀"]);
    await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: sent.messageId });
    expect((await reactionItemsOf(roomId, sent.seq)).length).toBeGreaterThan(0);

    const history = (await Message.roomHistory(db, { input: { roomId, limit: 10 }, caller: bob })).messages;
    const snapshot = await Snapshot.read(db, { roomId, userId: bob.userId, afterSeq: 0 });
    const changes = await changedInWindow(db, { roomId, afterSeq: sent.seq, reader: bob.userId });
    for (const messages of [history, snapshot.messages, changes]) {
      expect(messages.find((m) => m.seq === sent.seq)).toMatchObject({ text: "", reactions: [] });
    }
    await expect(
      Reaction.toggle(db, { roomId, userId: bob.userId, messageId: sent.messageId, emoji: "👀", on: false }),
    ).rejects.toThrow(/deleted/);
  });

  it("a message nobody reacted to costs the cleanup one Query", async () => {
    const roomId = await newRoom("no reactions");
    const sent = await send(roomId, ann, "quiet");
    await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: sent.messageId });
    const commands: string[] = [];
    const recording = interceptedDb((command) => {
      commands.push(command);
    });
    expect(await Reaction.removeOfMessage(recording, { roomId, seq: sent.seq })).toBe(0);
    expect(commands).toEqual(["QueryCommand"]);
  });

  it("a cleanup that died midway leaves the rest for the next run, which finishes it", async () => {
    const roomId = await newRoom("reactions, interrupted");
    const sent = await send(roomId, ann, "interrupted");
    await reactAll(
      roomId,
      sent.messageId,
      Array.from({ length: 12 }, (_, i) => newUser(`i${i}`)),
      ["🔥"],
    );
    await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: sent.messageId });
    const before = (await reactionItemsOf(roomId, sent.seq)).length;
    // The Lambda "dies" at its third transaction: the pages before it are gone, the counts are not.
    let transactions = 0;
    const dying = interceptedDb((command) => {
      if (command === "TransactWriteItemsCommand" && ++transactions === 3)
        throw new Error("Lambda timed out");
    });
    await expect(Reaction.removeOfMessage(dying, { roomId, seq: sent.seq, pageSize: 2 })).rejects.toThrow(
      /timed out/,
    );
    const left = (await reactionItemsOf(roomId, sent.seq)).length;
    expect(left).toBeLessThan(before);
    expect(
      (await reactionItemsOf(roomId, sent.seq)).filter((i) => i.__edb_e__?.S === "reactionCount"),
    ).not.toEqual([]);
    const tombstone = (await Message.roomHistory(db, { input: { roomId, limit: 10 }, caller: ann })).messages;
    expect(tombstone.map((m) => m.reactions)).toEqual([[]]);
    // The counts went last, so they still name the shards whose reactions remain.
    expect(await Reaction.removeOfMessage(db, { roomId, seq: sent.seq })).toBe(left);
    expect(await reactionItemsOf(roomId, sent.seq)).toEqual([]);
  });

  it("a reaction written just as the message was deleted is taken back and refused", async () => {
    const roomId = await newRoom("reactions, racing");
    const sent = await send(roomId, ann, "racing");
    await reactAll(roomId, sent.messageId, [cat], ["👍"]);
    // Bob's toggle has read the message (not deleted); the deletion and its cleanup land before its write.
    let deletedFirst = false;
    const racing = interceptedDb(async (command) => {
      if (command !== "TransactWriteItemsCommand" || deletedFirst) return;
      deletedFirst = true;
      await MessageEdits.remove(db, { roomId, userId: ann.userId, messageId: sent.messageId });
      await Reaction.removeOfMessage(db, { roomId, seq: sent.seq });
    });
    await expect(
      Reaction.toggle(racing, {
        roomId,
        userId: bob.userId,
        messageId: sent.messageId,
        emoji: "👍",
        on: true,
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(deletedFirst).toBe(true);
    expect(await reactionItemsOf(roomId, sent.seq)).toEqual([]);
  });
});

describe("deleteMessage (the frame's flow)", () => {
  const { sender, framesFor, clear } = recordingSender();
  beforeEach(clear);
  let nextConnection = 0;
  async function join(roomId: string, user: User) {
    const connectionId = `${user.name}-${++nextConnection}=`;
    await joinRoom({ db, delivery: { sender }, connectionId, claims: { ...user, roomId } });
    return connectionId;
  }

  it("announces the deletion to the room, then removes the reactions; a failed cleanup is logged, not answered, and a repeat finishes it", async () => {
    const roomId = await newRoom("frames");
    const annSocket = await join(roomId, ann);
    const bobSocket = await join(roomId, bob);
    const sent = await send(roomId, ann, "@bob hi", [bob.userId]);
    await Reaction.toggle(db, {
      roomId,
      userId: bob.userId,
      messageId: sent.messageId,
      emoji: "🙂",
      on: true,
    });
    const logged: BroadcastLogEntry[] = [];
    // The table refuses every transaction after the deletion's own (the cleanup's).
    let transactions = 0;
    const failing = interceptedDb((command) => {
      if (command === "TransactWriteItemsCommand" && ++transactions > 1) throw new Error("throttled");
    });
    const deleted = { type: "messageDeleted", messageId: sent.messageId, seq: sent.seq };

    await deleteMessage({
      db: failing,
      delivery: { sender, log: (entry) => logged.push(entry) },
      connectionId: annSocket,
      frame: { action: "deleteMessage", messageId: sent.messageId },
    });
    expect(framesFor(annSocket)).toEqual([deleted]);
    expect(framesFor(bobSocket)).toEqual([deleted]);
    expect(logged).toEqual([
      {
        event: "cleanup_failed",
        roomId,
        frameType: "messageDeleted",
        reason: expect.stringMatching(/throttled/),
      },
    ]);
    expect(await unreadMentionsOf(bob, roomId)).toBe(0);
    expect((await reactionItemsOf(roomId, sent.seq)).length).toBeGreaterThan(0);

    clear();
    await deleteMessage({
      db,
      delivery: { sender },
      connectionId: annSocket,
      frame: { action: "deleteMessage", messageId: sent.messageId },
    });
    expect(framesFor(annSocket)).toEqual([deleted]);
    expect(framesFor(bobSocket)).toEqual([]);
    expect(await reactionItemsOf(roomId, sent.seq)).toEqual([]);
  });
});
