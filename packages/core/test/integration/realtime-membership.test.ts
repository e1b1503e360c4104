import { type DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { Connection } from "../../src/connection";
import { createDb, type Db } from "../../src/db";
import { ConflictError, ForbiddenError, NotFoundError } from "../../src/errors";
import { Membership } from "../../src/membership";
import type { User } from "../../src/protocol";
import { joinRoom, removeMember } from "../../src/realtime";
import { Room } from "../../src/room";
import { recordingSender } from "../support/recording-sender";
import { tableItems } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => ({ db, client, table } = await createTestDb()));

const { sender, sent, closed, clear, framesFor } = recordingSender();
const delivery = { sender };
beforeEach(clear);

const owner = newUser("Olga");
let nextConnection = 0;
/** `$connect` after the authorizer consumed a ticket naming `user` and `roomId`. */
async function join(roomId: string, user: User) {
  const connectionId = `${user.name}-${++nextConnection}=`;
  await joinRoom({ db, delivery, connectionId, claims: { userId: user.userId, name: user.name, roomId } });
  return connectionId;
}
async function refusedWithoutWrites(
  call: () => Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
) {
  const before = await tableItems(client, table);
  await expect(call()).rejects.toBeInstanceOf(type);
  expect(await tableItems(client, table)).toEqual(before);
}

describe("joinRoom ($connect)", () => {
  it("joining a public room makes the user a member and stores the connection, posting to no one", async () => {
    const room = await Room.create(db, { input: { name: "open" }, caller: owner });
    const ownerSocket = await join(room.roomId, owner);
    const bea = newUser("Bea");
    const beaSocket = await join(room.roomId, bea);
    expect((await Membership.get(db, { roomId: room.roomId, userId: bea.userId }))!.role).toBe("member");
    expect((await Membership.get(db, { roomId: room.roomId, userId: owner.userId }))!.role).toBe("owner");
    const stored = await Connection.get(db, { connectionId: beaSocket });
    expect(stored).toMatchObject({ roomId: room.roomId, userId: bea.userId, name: "Bea" });
    // $connect does no work that grows with the room: the join is announced from the table's stream.
    expect(framesFor(ownerSocket)).toEqual([]);
    expect(framesFor(beaSocket)).toEqual([]);
  });

  it("a private room: a member joins; a non-member is NotFound and nothing is written", async () => {
    const room = await Room.create(db, { input: { name: "closed", visibility: "private" }, caller: owner });
    await join(room.roomId, owner);
    await refusedWithoutWrites(() => join(room.roomId, newUser("Outsider")), NotFoundError);
  });

  it("a user removed after their ticket was issued is Forbidden at $connect, and nothing is written", async () => {
    const room = await Room.create(db, { input: { name: "bans" }, caller: owner });
    const rex = newUser("Rex");
    await join(room.roomId, rex);
    await Membership.remove(db, { input: { roomId: room.roomId, userId: rex.userId }, caller: owner });
    await refusedWithoutWrites(() => join(room.roomId, rex), ForbiddenError);
  });
});

describe("joinRoom: a member coming back", () => {
  /** A db on this file's table whose client records every command name sent (and may fail one, see `failing`). */
  function recordingDb(failing?: (command: string, index: number) => Error | undefined) {
    const commands: string[] = [];
    const recordingClient = localDynamoClient(inject("dynamodbEndpoint"));
    recordingClient.middlewareStack.add(
      (next, context) => async (args) => {
        const command = String(context.commandName);
        commands.push(command);
        const error = failing?.(command, commands.length - 1);
        if (error) throw error;
        return next(args);
      },
      { step: "initialize", name: "recordCommands" },
    );
    return { recording: createDb({ client: recordingClient, table }), commands };
  }

  it("is one transaction after the socket cap's Query, when the ticket's name is the membership's (public and private rooms)", async () => {
    for (const visibility of ["public", "private"] as const) {
      const room = await Room.create(db, {
        input: { name: `back ${visibility}`, visibility },
        caller: owner,
      });
      const { recording, commands } = recordingDb();
      const connectionId = `olga-back-${visibility}=`;
      await joinRoom({ db: recording, delivery, connectionId, claims: { ...owner, roomId: room.roomId } });
      expect(commands).toEqual(["QueryCommand", "TransactWriteItemsCommand"]);
      expect(await Connection.get(db, { connectionId })).toMatchObject({ roomId: room.roomId, name: "Olga" });
    }
  });

  it("a newcomer's ticket goes straight to the access check, the join and the record", async () => {
    const room = await Room.create(db, { input: { name: "first" }, caller: owner });
    const { recording, commands } = recordingDb();
    const fay = newUser("Fay");
    const claims = { ...fay, roomId: room.roomId, standing: "newcomer" as const };
    await joinRoom({ db: recording, connectionId: "fay-1=", claims });
    expect(commands).toEqual([
      "QueryCommand",
      "GetItemCommand",
      "GetItemCommand",
      "GetItemCommand",
      "TransactWriteItemsCommand",
      "TransactWriteItemsCommand",
    ]);
    expect(await Membership.get(db, { roomId: room.roomId, userId: fay.userId })).toMatchObject({
      name: "Fay",
    });
    expect(await Connection.get(db, { connectionId: "fay-1=" })).toMatchObject({ userId: fay.userId });
  });

  it("a stale hint costs one transaction more: a member's ticket after a removal is still refused", async () => {
    const room = await Room.create(db, { input: { name: "stale" }, caller: owner });
    const rex = newUser("Rex");
    await join(room.roomId, rex);
    await Membership.remove(db, { input: { roomId: room.roomId, userId: rex.userId }, caller: owner });
    const { recording, commands } = recordingDb();
    const claims = { ...rex, roomId: room.roomId, standing: "member" as const };
    await expect(joinRoom({ db: recording, connectionId: "rex-stale=", claims })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(commands.slice(0, 2)).toEqual(["QueryCommand", "TransactWriteItemsCommand"]);
    expect(await Connection.get(db, { connectionId: "rex-stale=" })).toBeNull();
  });

  it("a ticket under a new name renames the membership and stores the connection under that name", async () => {
    const room = await Room.create(db, { input: { name: "renamed", visibility: "private" }, caller: owner });
    const ren = newUser("Ren");
    await Membership.join(db, { room, user: ren });
    const connectionId = await join(room.roomId, { ...ren, name: "Renée" });
    expect(await Membership.get(db, { roomId: room.roomId, userId: ren.userId })).toMatchObject({
      name: "Renée",
      role: "member",
    });
    expect(await Connection.get(db, { connectionId })).toMatchObject({ name: "Renée" });
  });

  it("contention on the one transaction falls back to the checked path, and the member is admitted", async () => {
    const room = await Room.create(db, { input: { name: "busy" }, caller: owner });
    // The seam: DynamoDB cancels the first transaction because another one held the membership.
    const { recording, commands } = recordingDb((command, index) =>
      command === "TransactWriteItemsCommand" && index === 1
        ? new TransactionCanceledException({
            message:
              "Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]",
            $metadata: {},
            CancellationReasons: [{ Code: "None" }, { Code: "TransactionConflict", Message: "Conflict" }],
          })
        : undefined,
    );
    await joinRoom({
      db: recording,
      delivery,
      connectionId: "olga-busy=",
      claims: { ...owner, roomId: room.roomId },
    });
    expect(commands.filter((c) => c === "TransactWriteItemsCommand")).toHaveLength(2);
    expect(await Connection.get(db, { connectionId: "olga-busy=" })).toMatchObject({ roomId: room.roomId });
  });
});

describe("joinRoom racing removeMember", () => {
  // Regression: a removal that lands after $connect's access check listed the user's sockets before the new one
  // was stored, so it was neither refused nor closed. The re-check before storing closes that window: whatever
  // the interleaving, the removed user ends up with no socket that was not closed.
  it("a user removed while their $connect runs ends up with no open socket", async () => {
    for (let round = 0; round < 10; round++) {
      const room = await Room.create(db, { input: { name: `race ${round}` }, caller: owner });
      const rex = newUser("Rex");
      await join(room.roomId, rex);
      const [joined] = await Promise.allSettled([
        joinRoom({
          db,
          delivery,
          connectionId: `rex-racing-${round}=`,
          claims: { ...rex, roomId: room.roomId },
        }),
        removeMember({ db, delivery, input: { roomId: room.roomId, userId: rex.userId }, caller: owner }),
      ]);
      if (joined.status === "rejected") expect(joined.reason).toBeInstanceOf(ForbiddenError);
      const open = (await Connection.listOfUser(db, { roomId: room.roomId, userId: rex.userId })).map(
        (c) => c.connectionId,
      );
      expect(open.filter((id) => !closed.includes(id))).toEqual([]);
    }
  });
});

describe("removeMember (DELETE /rooms/{roomId}/members/{userId})", () => {
  it("the owner removes a member: each of their sockets in the room is told `removed` and closed, no one else's", async () => {
    const room = await Room.create(db, { input: { name: "kick" }, caller: owner });
    const other = await Room.create(db, { input: { name: "elsewhere" }, caller: owner });
    const rex = newUser("Rex");
    const [tab1, tab2] = [await join(room.roomId, rex), await join(room.roomId, rex)];
    const rexElsewhere = await join(other.roomId, rex);
    const ownerSocket = await join(room.roomId, owner);
    sent.clear();
    const result = await removeMember({
      db,
      delivery,
      input: { roomId: room.roomId, userId: rex.userId },
      caller: owner,
    });
    expect(result).toEqual({ roomId: room.roomId, closed: 2 });
    expect(closed.sort()).toEqual([tab1, tab2].sort());
    expect(framesFor(tab1)).toEqual([{ type: "removed", roomId: room.roomId }]);
    expect(framesFor(tab2)).toEqual([{ type: "removed", roomId: room.roomId }]);
    expect(framesFor(rexElsewhere)).toEqual([]);
    expect(framesFor(ownerSocket)).toEqual([]);
    expect(await Membership.get(db, { roomId: room.roomId, userId: rex.userId })).toBeNull();
  });

  it("a member leaving with `me` has their sockets closed without a `removed` frame", async () => {
    const room = await Room.create(db, { input: { name: "leave" }, caller: owner });
    const bea = newUser("Bea");
    const socket = await join(room.roomId, bea);
    sent.clear();
    expect(
      await removeMember({ db, delivery, input: { roomId: room.roomId, userId: "me" }, caller: bea }),
    ).toEqual({ roomId: room.roomId, closed: 1 });
    expect(closed).toEqual([socket]);
    expect(framesFor(socket)).toEqual([]);
  });

  it("refused removals close nothing and send nothing", async () => {
    const room = await Room.create(db, { input: { name: "refused" }, caller: owner });
    const bea = newUser("Bea");
    const beaSocket = await join(room.roomId, bea);
    const ownerSocket = await join(room.roomId, owner);
    sent.clear();
    await expect(
      removeMember({ db, delivery, input: { roomId: room.roomId, userId: owner.userId }, caller: bea }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      removeMember({ db, delivery, input: { roomId: room.roomId, userId: "me" }, caller: owner }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(closed).toEqual([]);
    expect(sent.size).toBe(0);
    expect(await Connection.get(db, { connectionId: beaSocket })).not.toBeNull();
    expect(await Connection.get(db, { connectionId: ownerSocket })).not.toBeNull();
  });
});
