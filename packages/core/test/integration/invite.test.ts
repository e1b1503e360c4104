import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { ForbiddenError, NotFoundError, ValidationError } from "../../src/errors";
import { SECRET_TOKEN_PATTERN } from "../../src/ids";
import { Invite } from "../../src/invite";
import { Membership } from "../../src/membership";
import type { User } from "../../src/protocol";
import { Room } from "../../src/room";
import { Ticket } from "../../src/ticket";
import { tableItems } from "../support/table-items";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
let client: DynamoDBClient;
let table: string;
beforeAll(async () => ({ db, client, table } = await createTestDb()));

const owner = newUser("Olga");
const hour = 60 * 60 * 1000;
/** Fixed instants, so "earlier" and "later" never depend on two calls landing in different milliseconds. */
const start = Math.floor(Date.now() / 60_000) * 60_000;
const at = (minutes: number) => new Date(start + minutes * 60_000);

const privateRoom = () =>
  Room.create(db, { input: { name: "private", visibility: "private" }, caller: owner, now: at(0) });
const invite = (roomId: string, now = at(1), expiresInHours?: number, caller: User = owner) =>
  Invite.create(db, {
    input: { roomId, ...(expiresInHours !== undefined && { expiresInHours }) },
    caller,
    now,
  });
const accept = (code: string, caller: User, now = at(2)) =>
  Invite.accept(db, { input: { code }, caller, now });
const isMember = async (roomId: string, user: User) =>
  (await Membership.get(db, { roomId, userId: user.userId })) !== null;

async function refusedWithoutWrites(
  call: () => Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
) {
  const before = await tableItems(client, table);
  await expect(call()).rejects.toBeInstanceOf(type);
  expect(await tableItems(client, table)).toEqual(before);
}

describe("Invite.create", () => {
  it("the owner gets an unguessable code, valid a week by default", async () => {
    const room = await privateRoom();
    const created = await invite(room.roomId, at(1));
    expect(created).toEqual({
      code: expect.stringMatching(SECRET_TOKEN_PATTERN),
      expiresAt: new Date(at(1).getTime() + 7 * 24 * hour).toISOString(),
    });
    expect(Buffer.from(created.code, "base64url")).toHaveLength(16);
    const again = await invite(room.roomId, at(1));
    expect(again.code).not.toBe(created.code);
  });

  it("honours expiresInHours from 1 to 720", async () => {
    const room = await privateRoom();
    expect((await invite(room.roomId, at(1), 1)).expiresAt).toBe(
      new Date(at(1).getTime() + hour).toISOString(),
    );
    expect((await invite(room.roomId, at(1), 720)).expiresAt).toBe(
      new Date(at(1).getTime() + 720 * hour).toISOString(),
    );
  });

  it.each([0, 721, 1.5, -1])("refuses expiresInHours %s (no clamping) and writes nothing", async (hours) => {
    const room = await privateRoom();
    await refusedWithoutWrites(() => invite(room.roomId, at(1), hours), ValidationError);
  });

  it("is owner only: a member is Forbidden, a public room's visitor Forbidden, a private non-member NotFound", async () => {
    const room = await privateRoom();
    const member = newUser("Member");
    await accept((await invite(room.roomId)).code, member);
    await refusedWithoutWrites(() => invite(room.roomId, at(3), undefined, member), ForbiddenError);
    await refusedWithoutWrites(
      () => invite(room.roomId, at(3), undefined, newUser("Stranger")),
      NotFoundError,
    );
    const open = await Room.create(db, { input: { name: "open" }, caller: owner });
    await refusedWithoutWrites(
      () => invite(open.roomId, at(3), undefined, newUser("Visitor")),
      ForbiddenError,
    );
    await refusedWithoutWrites(() => invite("01ARZ3NDEKTSV4RRFFQ69G5FAV", at(3)), NotFoundError);
  });
});

describe("Invite.accept", () => {
  it("makes the caller a member of a private room, which they can then read", async () => {
    const room = await privateRoom();
    const { code } = await invite(room.roomId);
    const bea = newUser("Bea");
    await expect(Membership.access(db, { roomId: room.roomId, userId: bea.userId })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await accept(code, bea, at(2))).toEqual(room);
    expect(await Membership.get(db, { roomId: room.roomId, userId: bea.userId })).toEqual({
      roomId: room.roomId,
      userId: bea.userId,
      name: "Bea",
      role: "member",
      joinedAt: at(2).toISOString(),
      readSeq: 0,
      mentionSeqs: [],
    });
    expect((await Membership.access(db, { roomId: room.roomId, userId: bea.userId })).membership?.role).toBe(
      "member",
    );
  });

  it("one code admits many people, and accepting twice is fine (nothing changes the second time)", async () => {
    const room = await privateRoom();
    const { code } = await invite(room.roomId);
    const [bea, cy] = [newUser("Bea"), newUser("Cy")];
    await accept(code, bea, at(2));
    await accept(code, cy, at(2));
    const before = await tableItems(client, table);
    expect(await accept(code, bea, at(5))).toEqual(room);
    expect(await tableItems(client, table)).toEqual(before);
    expect((await Membership.get(db, { roomId: room.roomId, userId: bea.userId }))!.joinedAt).toBe(
      at(2).toISOString(),
    );
    expect(await isMember(room.roomId, cy)).toBe(true);
  });

  it("the owner accepting their own invite stays owner", async () => {
    const room = await privateRoom();
    await accept((await invite(room.roomId)).code, owner);
    expect((await Membership.get(db, { roomId: room.roomId, userId: owner.userId }))!.role).toBe("owner");
  });

  it("an expired invite is NotFound and admits nobody; one second before it still works", async () => {
    const room = await privateRoom();
    const { code, expiresAt } = await invite(room.roomId, at(1), 1);
    const late = newUser("Late");
    await refusedWithoutWrites(() => accept(code, late, new Date(expiresAt)), NotFoundError);
    await refusedWithoutWrites(
      () => accept(code, late, new Date(new Date(expiresAt).getTime() + 1000)),
      NotFoundError,
    );
    expect(await isMember(room.roomId, late)).toBe(false);
    await accept(code, late, new Date(new Date(expiresAt).getTime() - 1000));
    expect(await isMember(room.roomId, late)).toBe(true);
  });

  it("an unknown code is NotFound; a malformed one is refused before any read", async () => {
    await refusedWithoutWrites(() => accept("AAAAAAAAAAAAAAAAAAAAAA", newUser("Guess")), NotFoundError);
    for (const code of ["", "short", "has spaces in it here!!", "x".repeat(87)]) {
      await refusedWithoutWrites(() => accept(code, newUser("Guess")), ValidationError);
    }
  });

  it("after revokeAll every earlier code is NotFound, while a code made afterwards works", async () => {
    const room = await privateRoom();
    const first = await invite(room.roomId, at(1));
    const second = await invite(room.roomId, at(2));
    const early = newUser("Early");
    await accept(first.code, early, at(3));
    await Invite.revokeAll(db, { input: { roomId: room.roomId }, caller: owner, now: at(4) });
    const late = newUser("Late");
    await refusedWithoutWrites(() => accept(first.code, late, at(5)), NotFoundError);
    await refusedWithoutWrites(() => accept(second.code, late, at(5)), NotFoundError);
    // Revoking invites does not throw out who already joined.
    expect(await isMember(room.roomId, early)).toBe(true);
    const third = await invite(room.roomId, at(6));
    await accept(third.code, late, at(7));
    expect(await isMember(room.roomId, late)).toBe(true);
  });

  it("an invite created in the same instant as the revocation is revoked too", async () => {
    const room = await privateRoom();
    const { code } = await invite(room.roomId, at(4));
    await Invite.revokeAll(db, { input: { roomId: room.roomId }, caller: owner, now: at(4) });
    await refusedWithoutWrites(() => accept(code, newUser("Edge"), at(5)), NotFoundError);
  });

  it("revokeAll is owner only, and a refused revoke changes nothing", async () => {
    const room = await privateRoom();
    const member = newUser("Member");
    const { code } = await invite(room.roomId, at(1));
    await accept(code, member, at(2));
    await refusedWithoutWrites(
      () => Invite.revokeAll(db, { input: { roomId: room.roomId }, caller: member, now: at(3) }),
      ForbiddenError,
    );
    await refusedWithoutWrites(
      () => Invite.revokeAll(db, { input: { roomId: room.roomId }, caller: newUser("Nobody"), now: at(3) }),
      NotFoundError,
    );
    await accept(code, newUser("Still works"), at(4));
  });

  describe("a user the owner removed", () => {
    async function removedFrom() {
      const room = await privateRoom();
      const old = await invite(room.roomId, at(1));
      const rex = newUser("Rex");
      await accept(old.code, rex, at(2));
      await Membership.remove(db, {
        input: { roomId: room.roomId, userId: rex.userId },
        caller: owner,
        now: at(3),
      });
      return { room, old, rex };
    }

    it("is Forbidden with an invite made before the removal, and stays out", async () => {
      const { room, old, rex } = await removedFrom();
      await refusedWithoutWrites(() => accept(old.code, rex, at(4)), ForbiddenError);
      expect(await isMember(room.roomId, rex)).toBe(false);
      // The removal revoked that very code (a private room): nobody else gets in with it either.
      await expect(accept(old.code, newUser("Newcomer"), at(4))).rejects.toBeInstanceOf(NotFoundError);
    });

    it("is readmitted by an invite made after the removal, which clears the removal", async () => {
      const { room, rex } = await removedFrom();
      const fresh = await invite(room.roomId, at(5));
      expect(await accept(fresh.code, rex, at(6))).toEqual(room);
      expect(await isMember(room.roomId, rex)).toBe(true);
      expect(
        (await db.entities.removal.get({ roomId: room.roomId, userId: rex.userId }).go({ consistent: true }))
          .data,
      ).toBeNull();
      expect(
        (await Membership.access(db, { roomId: room.roomId, userId: rex.userId, knownToRemoved: true }))
          .removedAt,
      ).toBeNull();
      // And tickets work for them again.
      await expect(Ticket.issue(db, { input: { roomId: room.roomId }, caller: rex })).resolves.toMatchObject({
        ticket: expect.any(String),
      });
    });
  });
});
