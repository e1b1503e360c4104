import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectionSender } from "../../src/broadcast";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import { ConflictError, ForbiddenError, NotFoundError } from "../../src/errors";
import { Membership } from "../../src/membership";
import type { ServerFrame, User } from "../../src/protocol";
import { joinRoom, removeMember } from "../../src/realtime";
import { Room } from "../../src/room";
import { tableItems } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => ({ db, client, table } = await createTestDb()));

/** The @connections seam, in memory: what each connection was sent, and which were closed. */
const sent = new Map<string, ServerFrame[]>();
const closed: string[] = [];
const sender: ConnectionSender = {
  async send({ connectionId, data }) {
    sent.set(connectionId, [
      ...(sent.get(connectionId) ?? []),
      JSON.parse(Buffer.from(data).toString("utf8")),
    ]);
    return { status: "delivered" };
  },
  async close({ connectionId }) {
    closed.push(connectionId);
    return { status: "delivered" };
  },
};
const delivery = { sender };
beforeEach(() => {
  sent.clear();
  closed.length = 0;
});
const framesFor = (connectionId: string) => sent.get(connectionId) ?? [];

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
