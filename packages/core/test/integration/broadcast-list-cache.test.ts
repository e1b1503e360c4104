import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConnectionsApiServer,
  startConnectionsApiServer,
} from "../../../../test/support/connections-api-server";
import { broadcastToRoom, ConnectionListCache, createApiGatewaySender } from "../../src/broadcast";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import type { FanOutJob } from "../../src/fanout";
import type { ServerFrame } from "../../src/protocol";
import { Room } from "../../src/room";
import { seedConnections } from "../support/seed-connections";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

/**
 * broadcastToRoom with the container's connection-list cache, on DynamoDB Local and a real @connections server:
 * which frames the cached list serves, and what a 410 does to it. A connection record written after the list was
 * read stands for a member who joined within the window.
 */

let db: Db;
let server: ConnectionsApiServer;
let sender: ReturnType<typeof createApiGatewaySender>;
beforeAll(async () => {
  ({ db } = await createTestDb());
  server = await startConnectionsApiServer({ stage: "prod" });
  sender = createApiGatewaySender({ endpoint: server.endpoint });
});
afterAll(() => server?.close());

let rooms = 0;
async function seededRoom(count: number) {
  const prefix = `lc${rooms++}-`;
  const room = await Room.create(db, { input: { name: "cached" }, caller: newUser("Owner") });
  const connections = await seedConnections(db, { roomId: room.roomId, count, prefix });
  /** A member joining now: a record the cached list does not hold. */
  const joinNow = async () => {
    const [joiner] = await seedConnections(db, { roomId: room.roomId, count: 1, prefix: `${prefix}late-` });
    return joiner!.connectionId;
  };
  return { roomId: room.roomId, connections, joinNow };
}

const message = (roomId: string, seq: number): ServerFrame => ({
  type: "message",
  message: {
    messageId: `01J00000000000000000000${String(seq).padStart(3, "0")}`,
    roomId,
    seq,
    clientMessageId: `m${seq}`,
    authorId: "01J0000000000000000000000B",
    author: "Ann",
    text: `message ${seq}`,
    mentions: [],
    sentAt: "2026-01-01T00:00:00.000Z",
    reactions: [],
  },
});

describe("broadcastToRoom with a connection-list cache", () => {
  it("serves messages from the list read first, and reads it again once the window has passed", async () => {
    let now = 0;
    const listingCache = new ConnectionListCache({ ttlMs: 1_000, clock: () => now });
    const { roomId, joinNow } = await seededRoom(3);
    expect(
      (await broadcastToRoom(db, { roomId, frame: message(roomId, 1), sender, listingCache })).delivered,
    ).toBe(3);
    const joiner = await joinNow();
    now = 999;
    expect(
      (await broadcastToRoom(db, { roomId, frame: message(roomId, 2), sender, listingCache })).delivered,
    ).toBe(3);
    expect(server.framesFor(joiner)).toEqual([]);
    now = 1_000;
    expect(
      (await broadcastToRoom(db, { roomId, frame: message(roomId, 3), sender, listingCache })).delivered,
    ).toBe(4);
    expect(server.framesFor(joiner).map((f) => (f.type === "message" ? f.message.seq : null))).toEqual([3]);
  });

  it("reads the list for a todo even while a fresh copy is cached: a joiner gets it", async () => {
    const listingCache = new ConnectionListCache({ ttlMs: 60_000 });
    const { roomId, joinNow } = await seededRoom(2);
    await broadcastToRoom(db, { roomId, frame: message(roomId, 1), sender, listingCache });
    const joiner = await joinNow();
    const todo: ServerFrame = { type: "todoDeleted", todoId: "01J0000000000000000000000T" };
    expect((await broadcastToRoom(db, { roomId, frame: todo, sender, listingCache })).delivered).toBe(3);
    expect(server.framesFor(joiner)).toEqual([todo]);
  });

  it("drops a connection found gone from the cached list: the next message does not post to it again", async () => {
    const listingCache = new ConnectionListCache({ ttlMs: 60_000 });
    const { roomId, connections } = await seededRoom(3);
    const goneId = connections[1]!.connectionId;
    server.gone.add(goneId);
    const first = await broadcastToRoom(db, { roomId, frame: message(roomId, 1), sender, listingCache });
    expect(first).toMatchObject({ delivered: 2, pruned: 1 });
    expect(await Connection.get(db, { connectionId: goneId })).toBeNull();
    const requestsBefore = server.requests;
    const second = await broadcastToRoom(db, { roomId, frame: message(roomId, 2), sender, listingCache });
    expect(second).toMatchObject({ delivered: 2, pruned: 0, failed: 0 });
    expect(server.requests - requestsBefore).toBe(2);
  });

  it("splits a large room from the cached list: pages for the workers without a second read", async () => {
    const listingCache = new ConnectionListCache({ ttlMs: 60_000 });
    const { roomId, connections, joinNow } = await seededRoom(5);
    const jobs: FanOutJob[] = [];
    const fanOut = {
      queue: { enqueue: async (page: readonly FanOutJob[]) => void jobs.push(...page) },
      inlineLimit: 2,
      pageSize: 2,
    };
    const first = await broadcastToRoom(db, {
      roomId,
      frame: message(roomId, 1),
      sender,
      listingCache,
      fanOut,
    });
    expect(first.handedOff).toBe(5);
    await joinNow();
    const second = await broadcastToRoom(db, {
      roomId,
      frame: message(roomId, 2),
      sender,
      listingCache,
      fanOut,
    });
    expect(second.handedOff).toBe(5);
    const secondPages = jobs.filter((job) => job.frame.type === "message" && job.frame.message.seq === 2);
    expect(secondPages.flatMap((job) => job.connectionIds).sort()).toEqual(
      connections.map((c) => c.connectionId).sort(),
    );
    expect(secondPages.map((job) => job.connectionIds.length)).toEqual([2, 2, 1]);
  });
});
