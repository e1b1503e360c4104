import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { ForbiddenError, NotFoundError, ValidationError } from "../../src/errors";
import { Membership } from "../../src/membership";
import { Message } from "../../src/message";
import { Room } from "../../src/room";
import { roomPartition } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let client: DynamoDBClient;
let table: string;
let roomId: string;
const ann = newUser("Ann");
const bob = newUser("Bob");
const mallory = newUser("Mallory");
beforeAll(async () => {
  ({ db, client, table } = await createTestDb());
  const room = await Room.create(db, { input: { name: "chat" }, caller: ann });
  roomId = room.roomId;
  for (const user of [bob, mallory]) await Membership.join(db, { room, user });
});

const send = (clientMessageId: string, text = `text ${clientMessageId}`, author = ann, room = roomId) =>
  Message.send(db, { roomId: room, authorId: author.userId, author: author.name, text, clientMessageId });

describe("Message", () => {
  it("stores the author's userId and name with the message", async () => {
    const { message } = await send("who", "it's me");
    expect(message).toEqual({
      messageId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      roomId,
      seq: expect.any(Number),
      clientMessageId: "who",
      authorId: ann.userId,
      author: "Ann",
      text: "it's me",
      mentions: [],
      sentAt: expect.any(String),
    });
    const { messages } = await Message.history(db, { roomId, limit: 100 });
    expect(messages.find((m) => m.messageId === message.messageId)).toEqual(message);
  });

  it("appends a message once per client message id, returning the stored one on repeats", async () => {
    const first = await send("c-1", "hello");
    const again = await send("c-1", "hello (resent)");
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.message).toEqual(first.message);
    const { messages } = await Message.history(db, { roomId, limit: 100 });
    expect(messages.filter((m) => m.clientMessageId === "c-1")).toHaveLength(1);
  });

  it("is idempotent per user: two users with one clientMessageId get two messages", async () => {
    const a = await send("shared", "from ann", ann);
    const b = await send("shared", "from bob", bob);
    expect(a.created).toBe(true);
    expect(b.created).toBe(true);
    expect(b.message.messageId).not.toBe(a.message.messageId);
    expect(b.message).toMatchObject({ authorId: bob.userId, author: "Bob", text: "from bob" });
    const stored = (await Message.history(db, { roomId, limit: 100 })).messages.filter(
      (m) => m.clientMessageId === "shared",
    );
    expect(stored.map((m) => [m.authorId, m.text])).toEqual([
      [ann.userId, "from ann"],
      [bob.userId, "from bob"],
    ]);
  });

  it("a user repeating another user's clientMessageId never gets that user's message back", async () => {
    const { message: annMessage } = await send("guess-me", "ann's secret", ann);
    const first = await send("guess-me", "mallory tries", mallory);
    expect(first.created).toBe(true);
    expect(first.message.messageId).not.toBe(annMessage.messageId);
    expect(first.message.text).toBe("mallory tries");
    const repeat = await send("guess-me", "mallory again", mallory);
    expect(repeat).toMatchObject({ message: first.message, created: false });
    expect(
      await Message.getByClientId(db, { roomId, authorId: ann.userId, clientMessageId: "guess-me" }),
    ).toEqual(annMessage);
    expect(
      await Message.getByClientId(db, { roomId, authorId: mallory.userId, clientMessageId: "guess-me" }),
    ).toEqual(first.message);
    await expect(
      Message.getByClientId(db, { roomId, authorId: bob.userId, clientMessageId: "guess-me" }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("keeps the same client message id in different rooms apart", async () => {
    const other = await Room.create(db, { input: { name: "other" }, caller: bob });
    await Membership.join(db, { room: other, user: ann });
    const a = await send("shared-id");
    const b = await send("shared-id", "hi", ann, other.roomId);
    expect(b.created).toBe(true);
    expect(b.message.messageId).not.toBe(a.message.messageId);
  });

  it("concurrent sends of one client id by one user create exactly one message", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => send("race")));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.messageId)).size).toBe(1);
  });

  it("refuses a sender who is not a member of the room (ForbiddenError) and writes nothing", async () => {
    const before = await roomPartition(db, client, table, roomId);
    await expect(send("outsider-1", "let me in", newUser("Outsider"))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await roomPartition(db, client, table, roomId)).toEqual(before);
  });

  it("refuses blank, oversize, id-less or author-less messages and writes nothing", async () => {
    const before = await roomPartition(db, client, table, roomId);
    await expect(send("blank", "   ")).rejects.toBeInstanceOf(ValidationError);
    await expect(send("big", "x".repeat(4001))).rejects.toBeInstanceOf(ValidationError);
    await expect(send("", "ok")).rejects.toBeInstanceOf(ValidationError);
    await expect(send("x".repeat(65), "ok")).rejects.toBeInstanceOf(ValidationError);
    await expect(
      Message.send(db, { roomId, authorId: "", author: "Ann", text: "ok", clientMessageId: "no-author" }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await roomPartition(db, client, table, roomId)).toEqual(before);
  });

  it("pages history backwards from the newest, each page oldest to newest", async () => {
    const { db: fresh } = await createTestDb();
    const room = await Room.create(fresh, { input: { name: "paged" }, caller: ann });
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) {
      sent.push(
        (
          await Message.send(fresh, {
            roomId: room.roomId,
            authorId: ann.userId,
            author: "a",
            text: `m${i}`,
            clientMessageId: `p${i}`,
          })
        ).message.text,
      );
    }
    const p1 = await Message.history(fresh, { roomId: room.roomId, limit: 5 });
    expect(p1.messages.map((m) => m.text)).toEqual(sent.slice(7));
    expect(p1.cursor).toBe(p1.messages[0]!.seq);
    const p2 = await Message.history(fresh, { roomId: room.roomId, limit: 5, before: p1.cursor! });
    expect(p2.messages.map((m) => m.text)).toEqual(sent.slice(2, 7));
    const p3 = await Message.history(fresh, { roomId: room.roomId, limit: 5, before: p2.cursor! });
    expect(p3.messages.map((m) => m.text)).toEqual(sent.slice(0, 2));
    expect(p3.cursor).toBeNull();
  });

  it("fetches exactly the messages after a given one, for catch-up", async () => {
    const { db: fresh } = await createTestDb();
    const room = await Room.create(fresh, { input: { name: "catch-up" }, caller: ann });
    const seqs: number[] = [];
    for (let i = 0; i < 6; i++) {
      seqs.push(
        (
          await Message.send(fresh, {
            roomId: room.roomId,
            authorId: ann.userId,
            author: "a",
            text: `m${i}`,
            clientMessageId: `a${i}`,
          })
        ).message.seq,
      );
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    const missed = await Message.after(fresh, { roomId: room.roomId, afterSeq: 3, limit: 2 });
    expect(missed.messages.map((m) => m.seq)).toEqual([4, 5]);
    expect(missed.hasMore).toBe(true);
    const rest = await Message.after(fresh, { roomId: room.roomId, afterSeq: 5, limit: 50 });
    expect(rest.messages.map((m) => m.seq)).toEqual([6]);
    expect(rest.hasMore).toBe(false);
  });

  it("seq goes 1, 2, 3… and message ids sort in the order messages were stored, even within one millisecond", async () => {
    const room = await Room.create(db, { input: { name: "order" }, caller: ann });
    const now = new Date();
    const stored: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { message } = await Message.send(
        db,
        { roomId: room.roomId, authorId: ann.userId, author: "Ann", text: `o${i}`, clientMessageId: `o${i}` },
        { now },
      );
      stored.push(message.messageId);
    }
    expect([...stored].sort()).toEqual(stored);
    const { messages } = await Message.history(db, { roomId: room.roomId, limit: 100 });
    expect(messages.map((m) => m.messageId)).toEqual(stored);
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe("Message.roomHistory", () => {
  it("reads a public room's history for anyone signed in, member or not", async () => {
    const room = await Room.create(db, { input: { name: "open history" }, caller: ann });
    const { message } = await Message.send(db, {
      roomId: room.roomId,
      authorId: ann.userId,
      author: "Ann",
      text: "hello all",
      clientMessageId: "o1",
    });
    const stranger = newUser("Stranger");
    expect(
      await Message.roomHistory(db, { input: { roomId: room.roomId, limit: 100 }, caller: stranger }),
    ).toEqual({ messages: [{ ...message, reactions: [] }], cursor: null });
  });

  it("a private room: members read it, a non-member gets NotFound exactly like an unknown room", async () => {
    const room = await Room.create(db, { input: { name: "secret", visibility: "private" }, caller: ann });
    await Message.send(db, {
      roomId: room.roomId,
      authorId: ann.userId,
      author: "Ann",
      text: "hush",
      clientMessageId: "h1",
    });
    expect(
      (await Message.roomHistory(db, { input: { roomId: room.roomId }, caller: ann })).messages.map(
        (m) => m.text,
      ),
    ).toEqual(["hush"]);

    const outsider = await Message.roomHistory(db, { input: { roomId: room.roomId }, caller: bob }).catch(
      (e: unknown) => e,
    );
    expect(outsider).toBeInstanceOf(NotFoundError);
    const unknownId = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    const unknown = await Message.roomHistory(db, { input: { roomId: unknownId }, caller: bob }).catch(
      (e: unknown) => e,
    );
    expect(unknown).toBeInstanceOf(NotFoundError);
    // The same words for both, bar the id: nothing tells the outsider the room exists.
    expect((outsider as Error).message.replace(room.roomId, "ID")).toBe(
      (unknown as Error).message.replace(unknownId, "ID"),
    );

    await Membership.join(db, { room: room, user: bob });
    expect(
      (await Message.roomHistory(db, { input: { roomId: room.roomId }, caller: bob })).messages,
    ).toHaveLength(1);
  });
});
