import { describe, expect, it } from "vitest";
import {
  ConnectionListCache,
  cacheFor,
  type ListedConnection,
} from "../../src/broadcast/connection-list-cache";
import type { ServerFrame } from "../../src/protocol/frames";

const listed = (...ids: string[]): ListedConnection[] =>
  ids.map((connectionId) => ({ connectionId, userId: `user-${connectionId}`, expiresAt: 2_000_000_000 }));

/** A cache on a hand-moved clock, and a room list reader that counts its reads (the seam: the gsi1 Query). */
function setup(options: { ttlMs?: number; maxConnections?: number } = {}) {
  let now = 1_000_000;
  const cache = new ConnectionListCache({ ...options, clock: () => now });
  const reads: string[] = [];
  const rooms = new Map<string, ListedConnection[]>();
  const load = (roomId: string) =>
    cache.load(roomId, async () => {
      reads.push(roomId);
      return rooms.get(roomId) ?? [];
    });
  return {
    cache,
    reads,
    rooms,
    load,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const ids = (connections: readonly ListedConnection[]) => connections.map((c) => c.connectionId);

describe("ConnectionListCache", () => {
  it("reads a room once within its TTL and again once the TTL has passed", async () => {
    const { rooms, reads, load, advance } = setup({ ttlMs: 1_000 });
    rooms.set("r1", listed("a", "b"));
    expect(ids(await load("r1"))).toEqual(["a", "b"]);
    advance(999);
    rooms.set("r1", listed("a", "b", "c"));
    expect(ids(await load("r1"))).toEqual(["a", "b"]);
    expect(reads).toEqual(["r1"]);
    advance(1);
    expect(ids(await load("r1"))).toEqual(["a", "b", "c"]);
    expect(reads).toEqual(["r1", "r1"]);
  });

  it("keeps rooms apart", async () => {
    const { rooms, reads, load } = setup();
    rooms.set("r1", listed("a"));
    rooms.set("r2", listed("b"));
    expect(ids(await load("r1"))).toEqual(["a"]);
    expect(ids(await load("r2"))).toEqual(["b"]);
    expect(ids(await load("r1"))).toEqual(["a"]);
    expect(reads).toEqual(["r1", "r2"]);
  });

  it("shares one read among concurrent misses of a room", async () => {
    const { rooms, reads, load } = setup();
    rooms.set("r1", listed("a", "b"));
    const lists = await Promise.all([load("r1"), load("r1"), load("r1")]);
    expect(lists.map(ids)).toEqual([
      ["a", "b"],
      ["a", "b"],
      ["a", "b"],
    ]);
    expect(reads).toEqual(["r1"]);
  });

  it("counts the TTL from when the read started", async () => {
    let now = 0;
    const cache = new ConnectionListCache({ ttlMs: 1_000, clock: () => now });
    let reads = 0;
    const slowRead = async () => {
      reads++;
      now += 600; // the read itself takes 600 ms
      return listed("a");
    };
    await cache.load("r1", slowRead);
    now += 399;
    await cache.load("r1", slowRead);
    expect(reads).toBe(1);
    now += 1;
    await cache.load("r1", slowRead);
    expect(reads).toBe(2);
  });

  it("drops a pruned connection from the room's copy, which is still served", async () => {
    const { cache, rooms, reads, load } = setup();
    rooms.set("r1", listed("a", "gone", "b"));
    await load("r1");
    cache.drop("r1", "gone");
    cache.drop("r1", "unknown");
    cache.drop("other-room", "a");
    expect(ids(await load("r1"))).toEqual(["a", "b"]);
    expect(reads).toHaveLength(1);
    expect(cache.size).toEqual({ rooms: 1, connections: 2 });
  });

  it("evicts the least recently used rooms past its connection budget", async () => {
    const { cache, rooms, reads, load } = setup({ maxConnections: 7 });
    rooms.set("r1", listed("a1", "a2", "a3"));
    rooms.set("r2", listed("b1", "b2", "b3"));
    rooms.set("r3", listed("c1", "c2", "c3"));
    await load("r1");
    await load("r2");
    await load("r1"); // r1 used last: r2 is now the least recently used
    await load("r3");
    expect(cache.size).toEqual({ rooms: 2, connections: 6 });
    reads.length = 0;
    await load("r1");
    await load("r3");
    expect(reads).toEqual([]);
    await load("r2");
    expect(reads).toEqual(["r2"]);
  });

  it("does not keep a room larger than the whole budget", async () => {
    const { cache, rooms, reads, load } = setup({ maxConnections: 2 });
    rooms.set("big", listed("a", "b", "c"));
    expect(ids(await load("big"))).toEqual(["a", "b", "c"]);
    expect(cache.size).toEqual({ rooms: 0, connections: 0 });
    await load("big");
    expect(reads).toEqual(["big", "big"]);
  });

  it("keeps nothing from a failed read, and the next load reads again", async () => {
    const cache = new ConnectionListCache();
    await expect(cache.load("r1", () => Promise.reject(new Error("throttled")))).rejects.toThrow("throttled");
    expect(ids(await cache.load("r1", async () => listed("a")))).toEqual(["a"]);
  });

  it("keeps only what a broadcast needs of each record", async () => {
    const cache = new ConnectionListCache();
    const [kept] = await cache.load("r1", async () => [
      {
        connectionId: "a",
        userId: "u",
        expiresAt: 5,
        roomId: "r1",
        name: "Ann",
        memberId: "m",
        connectedAt: "2026-01-01T00:00:00.000Z",
      } as ListedConnection,
    ]);
    expect(kept).toEqual({ connectionId: "a", userId: "u", expiresAt: 5 });
  });
});

describe("which frames a cached list may serve", () => {
  const cache = new ConnectionListCache();
  const frames: Record<string, ServerFrame> = {
    message: { type: "message", message: {} } as ServerFrame,
    typing: { type: "typing", member: {} } as ServerFrame,
    read: { type: "read", userId: "u", seq: 1 } as ServerFrame,
    todo: { type: "todo", todo: {} } as ServerFrame,
    todoDeleted: { type: "todoDeleted", todoId: "t" } as ServerFrame,
    messageUpdated: { type: "messageUpdated", message: {} } as ServerFrame,
    messageDeleted: { type: "messageDeleted", messageId: "m", seq: 1 } as ServerFrame,
    reactions: { type: "reactions", messageId: "m", reactions: [] } as ServerFrame,
  };

  it("serves messages (seq shows a miss) and ephemeral typing/read frames from the cache", () => {
    for (const type of ["message", "typing", "read"]) expect(cacheFor(frames[type]!, cache)).toBe(cache);
  });

  it("never serves durable changes that move no seq (todos, edits, deletions, reactions)", () => {
    for (const type of ["todo", "todoDeleted", "messageUpdated", "messageDeleted", "reactions"])
      expect(cacheFor(frames[type]!, cache)).toBeUndefined();
  });

  it("uses no cache when the delivery has none", () => {
    expect(cacheFor(frames.message!, undefined)).toBeUndefined();
  });
});
