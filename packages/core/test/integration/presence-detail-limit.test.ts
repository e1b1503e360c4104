import { localDynamoClient } from "@rooms/dynamodb-local";
import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { ConnectionItem } from "../../src/connection";
import { createDb, type Db } from "../../src/db";
import { defaultLimits, type Limits, limitsWith } from "../../src/limits";
import { Presence } from "../../src/presence";
import type { SnapshotFrame, User } from "../../src/protocol";
import { forwardTyping, joinRoom, markRead, sendChatMessage, sendSnapshot } from "../../src/realtime";
import { Room } from "../../src/room";
import { recordingSender } from "../support/recording-sender";
import { seedConnections } from "../support/seed-connections";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

/**
 * The presence-detail limit is one setting (`presenceDetailLimit`), read from the stage's limits by every flow
 * that depends on it: `typing` and `read` frames stop past it, and a `sync` there carries the live count without a
 * member list (paged over HTTP), read without a Query that grows with the room.
 */
let db: Db;
let table: string;
beforeAll(async () => ({ db, table } = await createTestDb()));

const { sender, clear, framesFor } = recordingSender();
const delivery = { sender };
beforeEach(clear);

const LIMIT = 3;
const lowered = (): Limits => limitsWith({ presenceDetailLimit: LIMIT });

interface Seat {
  user: User;
  connectionId: string;
  caller: User & { roomId: string };
}

let nextSocket = 0;
async function seat(roomId: string, name: string, user = newUser(name)): Promise<Seat> {
  const connectionId = `${name}-${++nextSocket}=`;
  const caller = { ...user, roomId };
  await joinRoom({ db, delivery, connectionId, claims: caller });
  return { user, connectionId, caller };
}

/** A room of `count` members, each with one live connection; the first is its owner. */
async function roomOf(count: number, name: string) {
  const owner = newUser(`${name}0`);
  const room = await Room.create(db, { input: { name }, caller: owner });
  const seats = [await seat(room.roomId, owner.name, owner)];
  for (let i = 1; i < count; i++) seats.push(await seat(room.roomId, `${name}${i}`));
  return { roomId: room.roomId, seats };
}

const framesOfType = (seats: Seat[], type: string) =>
  seats.flatMap(({ connectionId }) => framesFor(connectionId).filter((frame) => frame.type === type));

describe("the presence-detail limit is a named setting", () => {
  it("has its default (100 live members) with the other limits, and a stage may change it", () => {
    expect(defaultLimits.presenceDetailLimit).toBe(100);
    expect(lowered().presenceDetailLimit).toBe(LIMIT);
    expect(() => limitsWith({ presenceDetailLimit: 0 })).toThrow(/presenceDetailLimit/);
  });
});

describe("typing past the presence-detail limit", () => {
  it("reaches the others while the room is within the limit, and nobody once it is past it", async () => {
    const limits = lowered();
    const { roomId, seats } = await roomOf(LIMIT, "typing");
    await forwardTyping({
      db,
      delivery,
      connectionId: seats[0]!.connectionId,
      limits,
      caller: seats[0]!.caller,
    });
    expect(framesOfType(seats.slice(1), "typing")).toHaveLength(LIMIT - 1);

    clear();
    seats.push(await seat(roomId, "typingLate"));
    await forwardTyping({
      db,
      delivery,
      connectionId: seats[1]!.connectionId,
      limits,
      caller: seats[1]!.caller,
    });
    expect(framesOfType(seats, "typing")).toEqual([]);
  });
});

describe("read frames past the presence-detail limit", () => {
  it("go to the other members within the limit, and to nobody past it; the read position still moves", async () => {
    const limits = lowered();
    const { roomId, seats } = await roomOf(LIMIT, "reads");
    const [author, reader] = seats as [Seat, Seat];
    for (const clientMessageId of ["r1", "r2"])
      await sendChatMessage({
        db,
        delivery,
        connectionId: author.connectionId,
        limits,
        caller: author.caller,
        frame: { action: "sendMessage", text: clientMessageId, clientMessageId },
      });
    clear();
    const frame = (seq: number) => ({ action: "markRead" as const, seq });
    await markRead({
      db,
      delivery,
      connectionId: reader.connectionId,
      limits,
      caller: reader.caller,
      frame: frame(1),
    });
    expect(framesOfType(seats, "read")).toHaveLength(LIMIT - 1);

    clear();
    seats.push(await seat(roomId, "readsLate"));
    await markRead({
      db,
      delivery,
      connectionId: reader.connectionId,
      limits,
      caller: reader.caller,
      frame: frame(2),
    });
    expect(framesOfType(seats, "read")).toEqual([]);
    const synced = await snapshotOf(seats[2]!, limitsWith({}));
    expect(synced.reads).toContainEqual({ userId: reader.user.userId, seq: 2 });
  });
});

/** A db on this file's table that records how many items each Query read (its ScannedCount). */
function scanRecordingDb() {
  const scanned: number[] = [];
  const client = localDynamoClient(inject("dynamodbEndpoint"));
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === "QueryCommand")
        scanned.push((result.output as { ScannedCount?: number }).ScannedCount ?? 0);
      return result;
    },
    { step: "initialize", name: "recordScannedCount" },
  );
  return { recording: createDb({ client, table }), scanned };
}

async function snapshotOf(
  { connectionId, caller }: Seat,
  limits: Limits,
  on: Db = db,
): Promise<SnapshotFrame> {
  const before = framesFor(connectionId).length;
  await sendSnapshot({ db: on, delivery, connectionId, limits, caller, frame: { action: "sync" } });
  const frames = framesFor(connectionId).slice(before) as SnapshotFrame[];
  expect(frames).toHaveLength(1);
  return frames[0]!;
}

describe("sync past the presence-detail limit", () => {
  it("within the limit: every live connection, its count and the others' read positions", async () => {
    const { seats } = await roomOf(LIMIT, "small");
    const snapshot = await snapshotOf(seats[0]!, lowered());
    expect(snapshot.members.map((m) => m.name).sort()).toEqual(["small0", "small1", "small2"]);
    expect(snapshot.memberCount).toBe(LIMIT);
    expect(snapshot.reads).toHaveLength(LIMIT - 1);
  });

  it("past it: the live count (as presence digests know it), no member list, no read positions", async () => {
    const { roomId, seats } = await roomOf(LIMIT + 2, "large");
    const seeded = await seedConnections(db, { roomId, count: 60, prefix: "large" });
    // The table's stream tells presence of every join, as the presence worker does.
    const connections: ConnectionItem[] = [
      ...(await Promise.all(seats.map(({ connectionId }) => connectionOf(connectionId)))),
      ...seeded,
    ];
    await Presence.announce(db, {
      sender,
      detailLimit: LIMIT,
      changes: connections.map((connection) => ({ kind: "joined" as const, connection })),
    });
    const live = connections.length;

    const { recording, scanned } = scanRecordingDb();
    const snapshot = await snapshotOf(seats[0]!, lowered(), recording);
    expect(snapshot.members).toEqual([]);
    expect(snapshot.memberCount).toBe(live);
    expect(snapshot.reads).toEqual([]);
    // Nothing read grows with the room: no Query reads more than the limit and one.
    expect(Math.max(...scanned)).toBeLessThanOrEqual(LIMIT + 1);
  });

  it("past it before presence has counted: at least the limit and one, never a member list", async () => {
    const { roomId, seats } = await roomOf(1, "uncounted");
    await seedConnections(db, { roomId, count: 20, prefix: "uncounted" });
    const snapshot = await snapshotOf(seats[0]!, lowered());
    expect(snapshot.members).toEqual([]);
    expect(snapshot.memberCount).toBeGreaterThan(LIMIT);
  });
});

async function connectionOf(connectionId: string): Promise<ConnectionItem> {
  const { data } = await db.entities.connection.get({ connectionId }).go();
  if (!data) throw new Error(`no connection ${connectionId}`);
  return data;
}

describe("a sync's reads", () => {
  it("reads the sender's membership once: the frame's access check hands it to the snapshot", async () => {
    const { seats } = await roomOf(LIMIT, "once");
    const gets: string[] = [];
    const client = localDynamoClient(inject("dynamodbEndpoint"));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "GetItemCommand")
          gets.push(JSON.stringify((args.input as { Key?: unknown }).Key));
        return next(args);
      },
      { step: "initialize", name: "recordGets" },
    );
    const snapshot = await snapshotOf(seats[0]!, lowered(), createDb({ client, table }));
    expect(snapshot.memberCount).toBe(LIMIT);
    expect(gets.filter((key) => key.includes("$membership"))).toHaveLength(1);
  });
});
