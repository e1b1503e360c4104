import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../src/errors";
import { newId } from "../../src/ids";
import { Membership } from "../../src/membership";
import { Message } from "../../src/message";
import type { User } from "../../src/protocol";
import { Room } from "../../src/room";
import { Todo } from "../../src/todo";
import { roomPartition, tableItems } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => ({ db, client, table } = await createTestDb()));

const unknownRoomId = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
const owner = newUser("Olga");
const createRoom = (
  visibility: "public" | "private" = "public",
  caller: User = owner,
  name = `${visibility} room`,
) => Room.create(db, { input: { name, visibility }, caller });
/** Awaits a call that must fail and returns what it threw. */
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );
/** Asserts that `call` throws `type` and leaves the whole table exactly as it was. */
async function refusedWithoutWrites(
  call: () => Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
) {
  const before = await tableItems(client, table);
  const error = await failure(call());
  expect(error).toBeInstanceOf(type);
  expect(await tableItems(client, table)).toEqual(before);
  return error as Error;
}

describe("Membership.join and access", () => {
  it("the creator of a room is its owner; the room is theirs in listMine", async () => {
    const room = await createRoom("private");
    const access = await Membership.access(db, { roomId: room.roomId, userId: owner.userId });
    expect(access).toEqual({
      room,
      membership: expect.objectContaining({ role: "owner", userId: owner.userId, name: "Olga" }),
      removedAt: null,
    });
    const mine = await Membership.listMine(db, { input: {}, caller: owner });
    expect(mine.rooms).toContainEqual({ ...room, role: "owner", unread: 0, unreadMentions: 0 });
  });

  it("joining a public room makes a member; joining again keeps the first membership", async () => {
    const room = await createRoom();
    const bea = newUser("Bea");
    const first = new Date("2026-03-12T19:00:00.000Z");
    const joined = await Membership.join(db, { room: room, user: bea, now: first });
    expect(joined).toEqual({
      roomId: room.roomId,
      userId: bea.userId,
      name: "Bea",
      role: "member",
      joinedAt: first.toISOString(),
      readSeq: 0,
      mentionSeqs: [],
    });
    const again = await Membership.join(db, {
      room: room,
      user: { ...bea, name: "Bea renamed" },
      now: new Date(),
    });
    expect(again).toEqual(joined);
    expect(await Membership.get(db, { roomId: room.roomId, userId: bea.userId })).toEqual(joined);
  });

  it("the owner joining their own room (opening a socket) stays owner", async () => {
    const room = await createRoom();
    const stored = await Membership.join(db, { room: room, user: owner });
    expect(stored.role).toBe("owner");
    expect((await Membership.get(db, { roomId: room.roomId, userId: owner.userId }))!.role).toBe("owner");
  });

  it("a public room is readable by a non-member (no membership), a private one is NotFound to them", async () => {
    const publicRoom = await createRoom("public");
    const privateRoom = await createRoom("private");
    const stranger = newUser("Stranger");
    expect(await Membership.access(db, { roomId: publicRoom.roomId, userId: stranger.userId })).toEqual({
      room: publicRoom,
      membership: null,
      removedAt: null,
    });
    const hidden = await failure(
      Membership.access(db, { roomId: privateRoom.roomId, userId: stranger.userId }),
    );
    const missing = await failure(Membership.access(db, { roomId: unknownRoomId, userId: stranger.userId }));
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((hidden as Error).message.replace(privateRoom.roomId, "ID")).toBe(
      (missing as Error).message.replace(unknownRoomId, "ID"),
    );
    // Even with knownToRemoved, someone who was never removed learns nothing.
    await expect(
      Membership.access(db, { roomId: privateRoom.roomId, userId: stranger.userId, knownToRemoved: true }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("roomView: the room, its todos and the caller's role; NotFound for a private room the caller is not in", async () => {
    const room = await createRoom("private");
    const { todo } = await Todo.add(db, { roomId: room.roomId, userId: owner.userId, title: "plan" });
    expect(await Membership.roomView(db, { input: { roomId: room.roomId }, caller: owner })).toEqual({
      room,
      todos: [todo],
      role: "owner",
    });
    await expect(
      Membership.roomView(db, { input: { roomId: room.roomId }, caller: newUser("Nosy") }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const open = await createRoom("public");
    expect(
      await Membership.roomView(db, { input: { roomId: open.roomId }, caller: newUser("Visitor") }),
    ).toEqual({ room: open, todos: [], role: null });
  });

  it("ownerAccess: the owner passes; a member or a public room's visitor is Forbidden; a private non-member NotFound", async () => {
    const room = await createRoom("private");
    const member = newUser("Mem");
    await Membership.join(db, { room: room, user: member });
    expect(
      (await Membership.ownerAccess(db, { roomId: room.roomId, userId: owner.userId })).membership?.role,
    ).toBe("owner");
    await expect(
      Membership.ownerAccess(db, { roomId: room.roomId, userId: member.userId }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      Membership.ownerAccess(db, { roomId: room.roomId, userId: newUser("X").userId }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const open = await createRoom("public");
    await expect(
      Membership.ownerAccess(db, { roomId: open.roomId, userId: newUser("Y").userId }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      Membership.ownerAccess(db, { roomId: unknownRoomId, userId: owner.userId }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("Membership.list", () => {
  it("pages through every member exactly once, in userId order, owner included", async () => {
    const room = await createRoom("public");
    const members = Array.from({ length: 7 }, (_, i) => newUser(`member ${i}`));
    for (const m of members) await Membership.join(db, { room: room, user: m });
    // Other items of the room's partition sort after the memberships; they must not reach or cut a page.
    for (let i = 0; i < 4; i++) {
      await Message.send(db, {
        roomId: room.roomId,
        authorId: owner.userId,
        author: "Olga",
        text: `m${i}`,
        clientMessageId: `m${i}`,
      });
    }
    await Todo.add(db, { roomId: room.roomId, userId: owner.userId, title: "todo" });
    const seen: { userId: string; name: string; role: string; joinedAt: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await Membership.list(db, {
        input: { roomId: room.roomId, limit: 3, cursor },
        caller: owner,
      });
      expect(page.members.length).toBeLessThanOrEqual(3);
      seen.push(...page.members);
      cursor = page.cursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    const everyone = [owner, ...members];
    expect(seen.map((m) => m.userId)).toEqual(everyone.map((u) => u.userId).sort());
    expect(seen.find((m) => m.userId === owner.userId)).toEqual({
      userId: owner.userId,
      name: "Olga",
      role: "owner",
      joinedAt: room.createdAt,
    });
    expect(seen.filter((m) => m.role === "member")).toHaveLength(7);
    expect(Object.keys(seen[0]!).sort()).toEqual(["joinedAt", "name", "role", "userId"]);
  });

  it("a full last page has a null cursor", async () => {
    const room = await createRoom("public");
    await Membership.join(db, { room: room, user: newUser("Solo") });
    expect(await Membership.list(db, { input: { roomId: room.roomId, limit: 2 }, caller: owner })).toEqual({
      members: expect.any(Array),
      cursor: null,
    });
  });

  it("a private room's members are NotFound to a non-member; a member reads them", async () => {
    const room = await createRoom("private");
    const member = newUser("Inside");
    await Membership.join(db, { room: room, user: member });
    await expect(
      Membership.list(db, { input: { roomId: room.roomId }, caller: newUser("Outside") }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(
      (await Membership.list(db, { input: { roomId: room.roomId }, caller: member })).members,
    ).toHaveLength(2);
  });

  it("refuses a limit out of range or a malformed cursor", async () => {
    const room = await createRoom();
    for (const input of [{ limit: 0 }, { limit: 101 }, { cursor: "has space" }, { cursor: "" }]) {
      await expect(
        Membership.list(db, { input: { roomId: room.roomId, ...input }, caller: owner }),
      ).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe("Membership.listMine", () => {
  it("pages through every room the caller is a member of, newest first, with the role in each, via one Query and one BatchGet", async () => {
    const { db: fresh, client: freshClient } = await createTestDb();
    const me = newUser("Me");
    const someoneElse = newUser("Else");
    const expected: { roomId: string; role: string; visibility: string }[] = [];
    for (let i = 0; i < 7; i++) {
      const mine = i % 3 === 0;
      const room = await Room.create(fresh, {
        input: { name: `r${i}`, visibility: i % 2 ? "private" : "public" },
        caller: mine ? me : someoneElse,
      });
      if (!mine) await Membership.join(fresh, { room: room, user: me });
      expected.push({ roomId: room.roomId, role: mine ? "owner" : "member", visibility: room.visibility });
      // A room I am not in must never show up.
      await Room.create(fresh, { input: { name: `not mine ${i}` }, caller: someoneElse });
    }
    const commands: string[] = [];
    freshClient.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: "initialize", name: "recordCommands" },
    );
    const seen: { roomId: string; role: string; visibility: string }[] = [];
    let cursor: string | undefined;
    const calls: string[][] = [];
    do {
      commands.length = 0;
      const page = await Membership.listMine(fresh, { input: { limit: 3, cursor }, caller: me });
      calls.push([...commands]);
      seen.push(...page.rooms.map(({ roomId, role, visibility }) => ({ roomId, role, visibility })));
      cursor = page.cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...expected].reverse());
    expect(calls).toHaveLength(3);
    for (const page of calls) expect(page.sort()).toEqual(["BatchGetItemCommand", "QueryCommand"]);
  });

  // Regression: BatchGetItem may answer with part of the keys in UnprocessedKeys (throttling, 16 MB); ElectroDB
  // does not retry them, so a room was silently left out of the page, and of every later page too.
  it("a room DynamoDB leaves unprocessed in the BatchGet is read again, not dropped from the list", async () => {
    const { db: fresh, client: freshClient, table: freshTable } = await createTestDb();
    const me = newUser("Me");
    for (let i = 0; i < 3; i++) await Room.create(fresh, { input: { name: `r${i}` }, caller: me });
    let throttledOnce = false;
    // The seam: the first BatchGetItem answer keeps one room back, as DynamoDB does under throttling.
    freshClient.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName !== "BatchGetItemCommand" || throttledOnce) return result;
        throttledOnce = true;
        const output = result.output as {
          Responses: Record<string, Record<string, unknown>[]>;
          UnprocessedKeys: Record<string, { Keys: unknown[] }>;
        };
        const held = output.Responses[freshTable]!.pop()!;
        output.UnprocessedKeys = { [freshTable]: { Keys: [{ pk: held.pk, sk: held.sk }] } };
        return result;
      },
      { step: "initialize", name: "unprocessedOnce" },
    );
    const { rooms, cursor } = await Membership.listMine(fresh, { input: {}, caller: me });
    expect(throttledOnce).toBe(true);
    expect(cursor).toBeNull();
    expect(rooms.map((r) => r.name)).toEqual(["r2", "r1", "r0"]);
  });

  it("is empty for a user with no rooms", async () => {
    expect(await Membership.listMine(db, { input: {}, caller: newUser("Nobody") })).toEqual({
      rooms: [],
      cursor: null,
    });
  });

  it("refuses a malformed cursor or an out-of-range limit", async () => {
    await expect(Membership.listMine(db, { input: { cursor: "zzz" }, caller: owner })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(Membership.listMine(db, { input: { limit: 0 }, caller: owner })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe("Membership.remove", () => {
  async function roomWithMember(visibility: "public" | "private" = "private") {
    const room = await createRoom(visibility);
    const member = newUser("Member");
    await Membership.join(db, { room: room, user: member });
    return { room, member };
  }

  it("the owner removes a member: the membership goes and a removal is recorded", async () => {
    const { room, member } = await roomWithMember();
    const now = new Date("2026-03-12T20:00:00.000Z");
    expect(
      await Membership.remove(db, {
        input: { roomId: room.roomId, userId: member.userId },
        caller: owner,
        now,
      }),
    ).toBe(member.userId);
    expect(await Membership.get(db, { roomId: room.roomId, userId: member.userId })).toBeNull();
    const { data: removal } = await db.entities.removal
      .get({ roomId: room.roomId, userId: member.userId })
      .go({ consistent: true });
    expect(removal).toEqual({ roomId: room.roomId, userId: member.userId, removedAt: now.toISOString() });
    // The removed user still learns of the room (to be told 403), but is no member any more.
    expect(
      await Membership.access(db, { roomId: room.roomId, userId: member.userId, knownToRemoved: true }),
    ).toEqual({
      room,
      membership: null,
      removedAt: now.toISOString(),
    });
    // Everywhere else the private room is gone for them.
    await expect(
      Membership.access(db, { roomId: room.roomId, userId: member.userId }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(
      (await Membership.listMine(db, { input: {}, caller: member })).rooms.map((r) => r.roomId),
    ).not.toContain(room.roomId);
  });

  it("a member leaves with `me`: the membership goes, and it is not a removal", async () => {
    const { room, member } = await roomWithMember("public");
    expect(
      await Membership.remove(db, { input: { roomId: room.roomId, userId: "me" }, caller: member }),
    ).toBe(member.userId);
    expect(await Membership.get(db, { roomId: room.roomId, userId: member.userId })).toBeNull();
    expect(
      (await db.entities.removal.get({ roomId: room.roomId, userId: member.userId }).go({ consistent: true }))
        .data,
    ).toBeNull();
    expect(
      (await Membership.access(db, { roomId: room.roomId, userId: member.userId, knownToRemoved: true }))
        .removedAt,
    ).toBeNull();
  });

  it("a member may also leave by naming their own userId", async () => {
    const { room, member } = await roomWithMember("public");
    expect(
      await Membership.remove(db, { input: { roomId: room.roomId, userId: member.userId }, caller: member }),
    ).toBe(member.userId);
    expect(
      (await db.entities.removal.get({ roomId: room.roomId, userId: member.userId }).go({ consistent: true }))
        .data,
    ).toBeNull();
  });

  it("the owner can neither leave nor remove themselves (ConflictError), and nothing changes", async () => {
    const { room } = await roomWithMember();
    const before = await roomPartition(db, client, table, room.roomId);
    const leaving = await refusedWithoutWrites(
      () => Membership.remove(db, { input: { roomId: room.roomId, userId: "me" }, caller: owner }),
      ConflictError,
    );
    expect(leaving).toMatchObject({ code: "conflict", status: 409 });
    await refusedWithoutWrites(
      () => Membership.remove(db, { input: { roomId: room.roomId, userId: owner.userId }, caller: owner }),
      ConflictError,
    );
    expect(await roomPartition(db, client, table, room.roomId)).toEqual(before);
  });

  it("a member cannot remove anyone else (ForbiddenError), not even the owner, and nothing changes", async () => {
    const { room, member } = await roomWithMember();
    const other = newUser("Other");
    await Membership.join(db, { room: room, user: other });
    await refusedWithoutWrites(
      () => Membership.remove(db, { input: { roomId: room.roomId, userId: other.userId }, caller: member }),
      ForbiddenError,
    );
    await refusedWithoutWrites(
      () => Membership.remove(db, { input: { roomId: room.roomId, userId: owner.userId }, caller: member }),
      ForbiddenError,
    );
  });

  it("a visitor of a public room cannot remove its members (ForbiddenError)", async () => {
    const { room, member } = await roomWithMember("public");
    await refusedWithoutWrites(
      () =>
        Membership.remove(db, {
          input: { roomId: room.roomId, userId: member.userId },
          caller: newUser("Visitor"),
        }),
      ForbiddenError,
    );
  });

  it("a private room is NotFound to a non-member who tries to remove someone from it", async () => {
    const { room, member } = await roomWithMember("private");
    await refusedWithoutWrites(
      () =>
        Membership.remove(db, {
          input: { roomId: room.roomId, userId: member.userId },
          caller: newUser("Outsider"),
        }),
      NotFoundError,
    );
  });

  it("the owner removing someone who is not a member is NotFound, and records no removal", async () => {
    const { room } = await roomWithMember();
    await refusedWithoutWrites(
      () => Membership.remove(db, { input: { roomId: room.roomId, userId: newId() }, caller: owner }),
      NotFoundError,
    );
  });

  it("leaving a public room one never joined changes nothing and says so (null)", async () => {
    const room = await createRoom("public");
    const before = await tableItems(client, table);
    expect(
      await Membership.remove(db, {
        input: { roomId: room.roomId, userId: "me" },
        caller: newUser("Passer-by"),
      }),
    ).toBeNull();
    expect(await tableItems(client, table)).toEqual(before);
  });

  it("refuses a userId that cannot be one, and a malformed room id", async () => {
    const { room } = await roomWithMember();
    await refusedWithoutWrites(
      () => Membership.remove(db, { input: { roomId: room.roomId, userId: "a b" }, caller: owner }),
      ValidationError,
    );
    await refusedWithoutWrites(
      () => Membership.remove(db, { input: { roomId: "lobby", userId: "me" }, caller: owner }),
      ValidationError,
    );
  });
});
