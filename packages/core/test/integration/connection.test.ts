import { beforeAll, describe, expect, it } from "vitest";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import { NotFoundError, ValidationError } from "../../src/errors";
import { Room } from "../../src/room";
import { createTestDb } from "../support/test-db";

let db: Db;
let roomId: string;
beforeAll(async () => {
  ({ db } = await createTestDb());
  ({ roomId } = await Room.create(db, { name: "presence" }));
});

describe("Connection", () => {
  it("connects to an existing room and reads the record back", async () => {
    const c = await Connection.connect(db, { connectionId: "conn-a", roomId, name: " Ann " });
    expect(c).toMatchObject({ connectionId: "conn-a", roomId, name: "Ann" });
    expect(await Connection.get(db, { connectionId: "conn-a" })).toEqual(c);
  });

  it("refuses an unknown room and a bad name, writing nothing", async () => {
    await expect(
      Connection.connect(db, { connectionId: "conn-x", roomId: "01ARZ3NDEKTSV4RRFFQ69G5FAV", name: "x" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(Connection.connect(db, { connectionId: "conn-y", roomId, name: "y".repeat(41) })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await Connection.get(db, { connectionId: "conn-x" })).toBeNull();
    expect(await Connection.get(db, { connectionId: "conn-y" })).toBeNull();
  });

  it("removes a connection exactly once: the second removal sees nothing", async () => {
    await Connection.connect(db, { connectionId: "conn-b", roomId, name: "Bob" });
    const results = await Promise.all([1, 2, 3].map(() => Connection.remove(db, { connectionId: "conn-b" })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await Connection.get(db, { connectionId: "conn-b" })).toBeNull();
  });

  it("members are live connections only: expired records are filtered out before TTL deletes them", async () => {
    const room = await Room.create(db, { name: "ttl" });
    const past = new Date(Date.now() - 60 * 60 * 1000);
    await Connection.connect(db, { connectionId: "old", roomId: room.roomId, name: "Old" }, past);
    await Connection.connect(db, { connectionId: "new", roomId: room.roomId, name: "New" });
    expect((await Connection.members(db, { roomId: room.roomId })).map((m) => m.name)).toEqual(["New"]);
    expect(await Connection.get(db, { connectionId: "old" })).toBeNull();
    await expect(Connection.getJoined(db, { connectionId: "old" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("touch refreshes a stale expiry and skips a fresh one", async () => {
    const start = new Date();
    const c = await Connection.connect(db, { connectionId: "touchy", roomId, name: "T" }, start);
    expect(await Connection.touch(db, { connection: c, now: new Date(start.getTime() + 60_000) })).toBe(false);
    const later = new Date(start.getTime() + (Connection.REFRESH_AFTER_SECONDS + 1) * 1000);
    expect(await Connection.touch(db, { connection: c, now: later })).toBe(true);
    const stored = await Connection.get(db, { connectionId: "touchy", now: later });
    expect(stored!.expiresAt).toBeGreaterThan(c.expiresAt);
  });

  it("expiry never passes API Gateway's two-hour limit, however active", async () => {
    const start = new Date();
    const c = await Connection.connect(db, { connectionId: "long", roomId, name: "L" }, start);
    const nearEnd = new Date(start.getTime() + 2 * 60 * 60 * 1000);
    await Connection.touch(db, { connection: c, now: nearEnd });
    const stored = await Connection.get(db, { connectionId: "long", now: nearEnd });
    expect(stored!.expiresAt).toBe(Math.floor(start.getTime() / 1000) + Connection.MAX_LIFETIME_SECONDS);
  });

  it("lists every connection of a room past one page: 3,000 connections", async () => {
    const room = await Room.create(db, { name: "big" });
    const ids = Array.from({ length: 3000 }, (_, i) => `big-${String(i).padStart(4, "0")}`);
    const now = new Date();
    const expiresAt = Math.floor(now.getTime() / 1000) + 900;
    for (let i = 0; i < ids.length; i += 25) {
      const batch = ids.slice(i, i + 25).map((connectionId, j) => ({
        connectionId,
        roomId: room.roomId,
        name: `m${i + j}`,
        memberId: connectionId,
        connectedAt: now.toISOString(),
        expiresAt,
      }));
      await db.entities.connection.put(batch).go();
    }
    let pages = 0;
    for await (const _ of Connection.pagesByRoom(db, { roomId: room.roomId, pageSize: 1000 })) pages++;
    expect(pages).toBeGreaterThanOrEqual(3);
    const all = await Connection.listByRoom(db, { roomId: room.roomId });
    expect(all.map((c) => c.connectionId).sort()).toEqual(ids);
  }, 120_000);
});
