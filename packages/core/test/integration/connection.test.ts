import { beforeAll, describe, expect, it } from "vitest";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import { NotFoundError } from "../../src/errors";
import { defaultLimits } from "../../src/limits";
import { Room } from "../../src/room";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let roomId: string;
beforeAll(async () => {
  ({ db } = await createTestDb());
  ({ roomId } = await Room.create(db, { input: { name: "presence" }, caller: newUser("Owner") }));
});

/** The default frame limit, as a frame's read of its record applies it. */
const claimsOf = (userId: string, name: string, room = roomId) => ({ userId, name, roomId: room });
/** What `$connect` does once admitted: build the record from the ticket's claims, then store it. */
async function admit(
  connectionId: string,
  claims: { userId: string; name: string; roomId: string },
  now?: Date,
) {
  const record = Connection.newRecord({ connectionId, claims, now });
  await Connection.save(db, record);
  return record;
}

describe("Connection", () => {
  it("builds the record from the ticket's claims and stores it only on save", async () => {
    const now = new Date();
    const record = Connection.newRecord({ connectionId: "conn-a", claims: claimsOf("user-ann", "Ann"), now });
    expect(record).toEqual({
      connectionId: "conn-a",
      roomId,
      userId: "user-ann",
      name: "Ann",
      memberId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      connectedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + Connection.IDLE_TTL_SECONDS,
    });
    expect(await Connection.get(db, { connectionId: "conn-a" })).toBeNull();
    await Connection.save(db, record);
    expect(await Connection.get(db, { connectionId: "conn-a" })).toEqual(record);
    expect(
      await Connection.takeFrameToken(db, { connectionId: "conn-a", limits: defaultLimits }),
    ).toMatchObject(record);
    expect(Connection.toMember(record)).toEqual({
      memberId: record.memberId,
      userId: "user-ann",
      name: "Ann",
      connectedAt: record.connectedAt,
    });
  });

  it("gives each connection its own memberId, even two sockets of one user", async () => {
    const one = await admit("twin-1", claimsOf("user-twin", "Twin"));
    const two = await admit("twin-2", claimsOf("user-twin", "Twin"));
    expect(one.memberId).not.toBe(two.memberId);
  });

  it("a frame's read of its record is NotFound for a connection that was never stored", async () => {
    await expect(
      Connection.takeFrameToken(db, { connectionId: "never", limits: defaultLimits }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("removes a connection exactly once: the second removal sees nothing", async () => {
    await admit("conn-b", claimsOf("user-bob", "Bob"));
    const results = await Promise.all([1, 2, 3].map(() => Connection.remove(db, { connectionId: "conn-b" })));
    expect(results.filter(Boolean)).toEqual([
      expect.objectContaining({ connectionId: "conn-b", userId: "user-bob" }),
    ]);
    expect(await Connection.get(db, { connectionId: "conn-b" })).toBeNull();
  });

  it("members are live connections only: expired records are filtered out before TTL deletes them", async () => {
    const room = await Room.create(db, { input: { name: "ttl" }, caller: newUser("Owner") });
    const past = new Date(Date.now() - 60 * 60 * 1000);
    await admit("old", claimsOf("user-old", "Old", room.roomId), past);
    await admit("new", claimsOf("user-new", "New", room.roomId));
    expect((await Connection.members(db, { roomId: room.roomId })).map((m) => m.name)).toEqual(["New"]);
    expect(await Connection.get(db, { connectionId: "old" })).toBeNull();
    await expect(
      Connection.takeFrameToken(db, { connectionId: "old", limits: defaultLimits }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("listOfUser: exactly one user's live sockets in one room (not a user whose id starts the same)", async () => {
    const room = await Room.create(db, { input: { name: "sockets" }, caller: newUser("Owner") });
    const other = await Room.create(db, { input: { name: "elsewhere" }, caller: newUser("Owner") });
    await admit("u1-tab1", claimsOf("u1", "One", room.roomId));
    await admit("u1-tab2", claimsOf("u1", "One", room.roomId));
    await admit("u1-stale", claimsOf("u1", "One", room.roomId), new Date(Date.now() - 60 * 60 * 1000));
    await admit("u10-tab", claimsOf("u10", "Ten", room.roomId));
    await admit("u1a-tab", claimsOf("u1a", "Other", room.roomId));
    await admit("u1-elsewhere", claimsOf("u1", "One", other.roomId));
    const ids = async (userId: string, inRoom = room.roomId) =>
      (await Connection.listOfUser(db, { roomId: inRoom, userId })).map((c) => c.connectionId).sort();
    expect(await ids("u1")).toEqual(["u1-tab1", "u1-tab2"]);
    expect(await ids("u10")).toEqual(["u10-tab"]);
    expect(await ids("u1", other.roomId)).toEqual(["u1-elsewhere"]);
    expect(await ids("nobody")).toEqual([]);
  });

  it("touch refreshes a stale expiry and skips a fresh one", async () => {
    const start = new Date();
    const c = await admit("touchy", claimsOf("user-t", "T"), start);
    expect(await Connection.touch(db, { connection: c, now: new Date(start.getTime() + 60_000) })).toBe(
      false,
    );
    expect((await Connection.get(db, { connectionId: "touchy" }))!.expiresAt).toBe(c.expiresAt);
    const later = new Date(start.getTime() + (Connection.REFRESH_AFTER_SECONDS + 1) * 1000);
    expect(await Connection.touch(db, { connection: c, now: later })).toBe(true);
    const stored = await Connection.get(db, { connectionId: "touchy", now: later });
    expect(stored!.expiresAt).toBeGreaterThan(c.expiresAt);
  });

  it("touch writes nothing back for a connection removed meanwhile", async () => {
    const start = new Date();
    const c = await admit("vanished", claimsOf("user-v", "V"), start);
    await Connection.remove(db, { connectionId: "vanished" });
    const later = new Date(start.getTime() + (Connection.REFRESH_AFTER_SECONDS + 1) * 1000);
    expect(await Connection.touch(db, { connection: c, now: later })).toBe(false);
    expect(await db.entities.connection.get({ connectionId: "vanished" }).go({ consistent: true })).toEqual({
      data: null,
    });
  });

  it("expiry never passes API Gateway's two-hour limit, however active", async () => {
    const start = new Date();
    const c = await admit("long", claimsOf("user-l", "L"), start);
    const nearEnd = new Date(start.getTime() + 2 * 60 * 60 * 1000);
    await Connection.touch(db, { connection: c, now: nearEnd });
    const stored = await Connection.get(db, { connectionId: "long", now: nearEnd });
    expect(stored!.expiresAt).toBe(Math.floor(start.getTime() / 1000) + Connection.MAX_LIFETIME_SECONDS);
  });

  it("lists every connection of a room past one page: 3,000 connections", async () => {
    const room = await Room.create(db, { input: { name: "big" }, caller: newUser("Owner") });
    const ids = Array.from({ length: 3000 }, (_, i) => `big-${String(i).padStart(4, "0")}`);
    const now = new Date();
    const expiresAt = Math.floor(now.getTime() / 1000) + 900;
    for (let i = 0; i < ids.length; i += 25) {
      const batch = ids.slice(i, i + 25).map((connectionId, j) => ({
        connectionId,
        roomId: room.roomId,
        userId: `user-${connectionId}`,
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
