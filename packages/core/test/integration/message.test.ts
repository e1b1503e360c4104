import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { ValidationError } from "../../src/errors";
import { Message } from "../../src/message";
import { Room } from "../../src/room";
import { createTestDb } from "../support/test-db";

let db: Db;
let roomId: string;
beforeAll(async () => {
  ({ db } = await createTestDb());
  ({ roomId } = await Room.create(db, { name: "chat" }));
});

const send = (clientMessageId: string, text = `text ${clientMessageId}`) =>
  Message.send(db, { roomId, author: "ann", text, clientMessageId });

describe("Message", () => {
  it("appends a message once per client message id, returning the stored one on repeats", async () => {
    const first = await send("c-1", "hello");
    const again = await send("c-1", "hello (resent)");
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.message).toEqual(first.message);
    const { messages } = await Message.history(db, { roomId, limit: 100 });
    expect(messages.filter((m) => m.clientMessageId === "c-1")).toHaveLength(1);
  });

  it("keeps the same client message id in different rooms apart", async () => {
    const other = await Room.create(db, { name: "other" });
    const a = await send("shared-id");
    const b = await Message.send(db, { roomId: other.roomId, author: "bob", text: "hi", clientMessageId: "shared-id" });
    expect(b.created).toBe(true);
    expect(b.message.messageId).not.toBe(a.message.messageId);
  });

  it("concurrent sends of one client id create exactly one message", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => send("race")));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.messageId)).size).toBe(1);
  });

  it("refuses blank, oversize or id-less messages and writes nothing", async () => {
    const before = await Message.history(db, { roomId, limit: 100 });
    await expect(send("blank", "   ")).rejects.toBeInstanceOf(ValidationError);
    await expect(send("big", "x".repeat(4001))).rejects.toBeInstanceOf(ValidationError);
    await expect(send("", "ok")).rejects.toBeInstanceOf(ValidationError);
    expect(await Message.history(db, { roomId, limit: 100 })).toEqual(before);
  });

  it("pages history backwards from the newest, each page oldest to newest", async () => {
    const { db: fresh } = await createTestDb();
    const room = await Room.create(fresh, { name: "paged" });
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) {
      sent.push((await Message.send(fresh, { roomId: room.roomId, author: "a", text: `m${i}`, clientMessageId: `p${i}` })).message.text);
    }
    const p1 = await Message.history(fresh, { roomId: room.roomId, limit: 5 });
    expect(p1.messages.map((m) => m.text)).toEqual(sent.slice(7));
    const p2 = await Message.history(fresh, { roomId: room.roomId, limit: 5, before: p1.cursor! });
    expect(p2.messages.map((m) => m.text)).toEqual(sent.slice(2, 7));
    const p3 = await Message.history(fresh, { roomId: room.roomId, limit: 5, before: p2.cursor! });
    expect(p3.messages.map((m) => m.text)).toEqual(sent.slice(0, 2));
    expect(p3.cursor).toBeNull();
  });

  it("fetches exactly the messages after a given one, for catch-up", async () => {
    const { db: fresh } = await createTestDb();
    const room = await Room.create(fresh, { name: "catch-up" });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await Message.send(fresh, { roomId: room.roomId, author: "a", text: `m${i}`, clientMessageId: `a${i}` })).message.messageId);
    }
    const missed = await Message.after(fresh, { roomId: room.roomId, after: ids[2]!, limit: 2 });
    expect(missed.messages.map((m) => m.messageId)).toEqual(ids.slice(3, 5));
    expect(missed.hasMore).toBe(true);
    const rest = await Message.after(fresh, { roomId: room.roomId, after: ids[4]!, limit: 50 });
    expect(rest.messages.map((m) => m.messageId)).toEqual(ids.slice(5));
    expect(rest.hasMore).toBe(false);
  });

  it("message ids sort in the order messages were stored", async () => {
    const { messages } = await Message.history(db, { roomId, limit: 100 });
    const ids = messages.map((m) => m.messageId);
    expect([...ids].sort()).toEqual(ids);
  });
});
