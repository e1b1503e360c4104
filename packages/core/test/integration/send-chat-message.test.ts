import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConnectionListCache } from "../../src/broadcast";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import { ForbiddenError, RateLimitedError, UnauthorizedError, ValidationError } from "../../src/errors";
import { limitsWith } from "../../src/limits";
import { Message } from "../../src/message";
import type { User } from "../../src/protocol";
import { joinRoom, removeMember, sendChatMessage } from "../../src/realtime";
import type { RealtimeDeps } from "../../src/realtime/realtime-deps";
import { Room } from "../../src/room";
import { recordingSender } from "../support/recording-sender";
import { roomPartition } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

/**
 * sendMessage's flow on DynamoDB Local: the room and user come from the authorizer's context (`caller`); one
 * transaction stores the message, proves membership and takes the frame's rate-limit token, so only an admitted
 * frame writes, while every frame counts. The @connections seam is in memory.
 */

let db: Db;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => ({ db, client, table } = await createTestDb()));

const { sender, sent, clear, framesFor } = recordingSender();
beforeEach(clear);

const owner = newUser("Olga");
let nextConnection = 0;
/** `$connect` after the authorizer consumed a ticket naming `user` and `roomId`: the connection and its context. */
async function join(roomId: string, user: User) {
  const connectionId = `${user.name}-${++nextConnection}=`;
  const caller = { userId: user.userId, name: user.name, roomId };
  await joinRoom({ db, delivery: { sender }, connectionId, claims: caller });
  return { connectionId, caller };
}

async function roomWithAnnAndBob() {
  const room = await Room.create(db, { input: { name: "send" }, caller: owner });
  const ann = await join(room.roomId, newUser("Ann"));
  const bob = await join(room.roomId, newUser("Bob"));
  return { roomId: room.roomId, ann, bob };
}

const send = (
  deps: Omit<RealtimeDeps, "db" | "delivery"> & { delivery?: Partial<RealtimeDeps["delivery"]> },
  frame: { text: string; clientMessageId: string; mentions?: string[] },
) =>
  sendChatMessage({
    db,
    ...deps,
    delivery: { sender, ...deps.delivery },
    frame: { action: "sendMessage", ...frame },
  });

/** Expects `call` to be refused with `type`, leaving the room's partition as it was and posting nothing. */
async function refusedWithoutWrites(
  roomId: string,
  call: () => Promise<unknown>,
  type: new (...a: never[]) => Error,
) {
  const before = await roomPartition(db, client, table, roomId);
  await expect(call()).rejects.toBeInstanceOf(type);
  expect(await roomPartition(db, client, table, roomId)).toEqual(before);
  expect([...sent.keys()]).toEqual([]);
}

describe("sendChatMessage", () => {
  it("stores the message under the context's room and user, and the sender and the room get it", async () => {
    const { roomId, ann, bob } = await roomWithAnnAndBob();
    const listingCache = new ConnectionListCache();
    const outcome = await send({ ...ann, delivery: { listingCache } }, { text: "hi", clientMessageId: "c1" });
    const expected = {
      type: "message",
      message: expect.objectContaining({
        roomId,
        seq: 1,
        authorId: ann.caller.userId,
        author: "Ann",
        text: "hi",
      }),
    };
    expect(framesFor(ann.connectionId)).toEqual([expected]);
    expect(framesFor(bob.connectionId)).toEqual([expected]);
    expect(outcome).toMatchObject({ roomId, reply: { delivered: 1 }, broadcast: { delivered: 1 } });
    // The list was read beside the frame token, into the container's cache, where the broadcast found it.
    expect(listingCache.size).toEqual({ rooms: 1, connections: 2 });
  });

  it("a repeated clientMessageId stores nothing: the sender alone gets the stored message", async () => {
    const { roomId, ann, bob } = await roomWithAnnAndBob();
    await send(ann, { text: "once", clientMessageId: "dup" });
    const [first] = framesFor(ann.connectionId);
    sent.clear();
    await send(ann, { text: "twice?", clientMessageId: "dup" });
    expect(framesFor(ann.connectionId)).toEqual([first]);
    expect(framesFor(bob.connectionId)).toEqual([]);
    expect((await Message.history(db, { roomId })).messages.map((m) => m.text)).toEqual(["once"]);
  });

  it("an event without authorizer context is refused (unauthorized), storing nothing", async () => {
    const { roomId, ann } = await roomWithAnnAndBob();
    await refusedWithoutWrites(
      roomId,
      () => send({ connectionId: ann.connectionId }, { text: "hi", clientMessageId: "c1" }),
      UnauthorizedError,
    );
  });

  it("a frame past the rate limit is refused: nothing stored, nothing posted", async () => {
    const { roomId, ann } = await roomWithAnnAndBob();
    const limits = limitsWith({ framesPerSecond: 1, frameBurst: 1 });
    await send({ ...ann, limits }, { text: "first", clientMessageId: "r1" });
    sent.clear();
    await refusedWithoutWrites(
      roomId,
      () => send({ ...ann, limits }, { text: "second", clientMessageId: "r2" }),
      RateLimitedError,
    );
  });

  it("a context naming a room its user is not a member of is refused (forbidden), storing nothing", async () => {
    const { ann } = await roomWithAnnAndBob();
    const other = await Room.create(db, { input: { name: "other", visibility: "private" }, caller: owner });
    await refusedWithoutWrites(
      other.roomId,
      () =>
        send(
          { connectionId: ann.connectionId, caller: { ...ann.caller, roomId: other.roomId } },
          { text: "hi", clientMessageId: "x1" },
        ),
      ForbiddenError,
    );
  });

  it("the context is who sends: a member whose record is already gone still sends, and no record is written back", async () => {
    const { roomId, ann, bob } = await roomWithAnnAndBob();
    await Connection.remove(db, { connectionId: ann.connectionId });
    await send(ann, { text: "still a member", clientMessageId: "g1" });
    expect(framesFor(bob.connectionId)).toEqual([
      { type: "message", message: expect.objectContaining({ text: "still a member", roomId }) },
    ]);
    expect(await Connection.get(db, { connectionId: ann.connectionId })).toBeNull();
  });

  it("every frame counts toward the frame limit, repeats and refused ones included", async () => {
    const { roomId, ann } = await roomWithAnnAndBob();
    const limits = limitsWith({ framesPerSecond: 1, frameBurst: 3 });
    await send({ ...ann, limits }, { text: "once", clientMessageId: "r1" });
    await send({ ...ann, limits }, { text: "once", clientMessageId: "r1" });
    await expect(
      send(
        { ...ann, limits },
        { text: "@who", clientMessageId: "r2", mentions: [newUser("Stranger").userId] },
      ),
    ).rejects.toBeInstanceOf(ValidationError);
    sent.clear();
    await refusedWithoutWrites(
      roomId,
      () => send({ ...ann, limits }, { text: "fourth", clientMessageId: "r3" }),
      RateLimitedError,
    );
  });

  it("a frame refused rate_limited leaves even its bucket as it was", async () => {
    const { ann } = await roomWithAnnAndBob();
    const limits = limitsWith({ framesPerSecond: 1, frameBurst: 1 });
    await send({ ...ann, limits }, { text: "first", clientMessageId: "b1" });
    const bucket = () => db.entities.rateBucket.get({ scope: "frames", key: ann.connectionId }).go();
    const before = (await bucket()).data;
    expect(before?.tat).toBeGreaterThan(Date.now());
    await expect(send({ ...ann, limits }, { text: "second", clientMessageId: "b2" })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect((await bucket()).data).toEqual(before);
  });

  it("a burst within the limit is admitted message after message (the bucket's draining form)", async () => {
    const { roomId, ann } = await roomWithAnnAndBob();
    const limits = limitsWith({ framesPerSecond: 1, frameBurst: 4 });
    for (const id of ["d1", "d2", "d3", "d4"])
      await send({ ...ann, limits }, { text: id, clientMessageId: id });
    await expect(send({ ...ann, limits }, { text: "d5", clientMessageId: "d5" })).rejects.toBeInstanceOf(
      RateLimitedError,
    );
    expect((await Message.history(db, { roomId })).messages.map((m) => m.text)).toEqual([
      "d1",
      "d2",
      "d3",
      "d4",
    ]);
  });

  it("a removed member is refused (forbidden), storing nothing", async () => {
    const { roomId, ann } = await roomWithAnnAndBob();
    await removeMember({
      db,
      delivery: { sender },
      input: { roomId, userId: ann.caller.userId },
      caller: owner,
    });
    sent.clear();
    // Its socket is closing, but the record is still there: the transaction's membership condition refuses it.
    await refusedWithoutWrites(
      roomId,
      () => send(ann, { text: "still here?", clientMessageId: "rm1" }),
      ForbiddenError,
    );
  });

  it("mentions of non-members are refused, storing nothing", async () => {
    const { roomId, ann, bob } = await roomWithAnnAndBob();
    await send(ann, { text: "@bob", clientMessageId: "m1", mentions: [bob.caller.userId] });
    sent.clear();
    await refusedWithoutWrites(
      roomId,
      () => send(ann, { text: "@who", clientMessageId: "m2", mentions: [newUser("Stranger").userId] }),
      ValidationError,
    );
  });
});

describe("sendChatMessage's guess of the room's seq", () => {
  it("a message stored meanwhile by another container costs a lost race: the seq is still the next one", async () => {
    const { roomId, ann, bob } = await roomWithAnnAndBob();
    for (const id of ["a1", "a2", "a3"]) await send(ann, { text: id, clientMessageId: id });
    // Another container (Message.send directly) stores two messages this container's memory does not know of.
    const elsewhere = { roomId, authorId: bob.caller.userId, author: "Bob" };
    for (const id of ["b1", "b2"]) await Message.send(db, { ...elsewhere, text: id, clientMessageId: id });
    const outcome = await send(ann, { text: "a4", clientMessageId: "a4" });
    expect(outcome.reply?.delivered).toBe(1);
    await send(ann, { text: "a5", clientMessageId: "a5" });
    expect((await Message.history(db, { roomId })).messages.map((m) => [m.seq, m.text])).toEqual([
      [1, "a1"],
      [2, "a2"],
      [3, "a3"],
      [4, "b1"],
      [5, "b2"],
      [6, "a4"],
      [7, "a5"],
    ]);
  });
});

describe("Message.send with a lastSeq read beforehand", () => {
  it("a stale lastSeq costs a lost race, never a wrong or repeated seq", async () => {
    const { roomId, ann } = await roomWithAnnAndBob();
    const author = { roomId, authorId: ann.caller.userId, author: "Ann" };
    for (const id of ["s1", "s2", "s3"]) await Message.send(db, { ...author, text: id, clientMessageId: id });
    const { message } = await Message.send(
      db,
      { ...author, text: "s4", clientMessageId: "s4" },
      { lastSeq: 1 },
    );
    expect(message.seq).toBe(4);
    expect((await Message.history(db, { roomId })).messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(await Message.readLastSeq(db, { roomId })).toBe(4);
  });
});
