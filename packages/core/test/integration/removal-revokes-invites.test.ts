import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { ForbiddenError, NotFoundError } from "../../src/errors";
import { Invite } from "../../src/invite";
import { Membership } from "../../src/membership";
import type { User } from "../../src/protocol";
import { Room } from "../../src/room";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

// Invite codes are bearer secrets, and a new guest identity costs one `POST /sessions`: a removal from a private
// room that left the room's links working could be undone by the removed person under a new userId.

let db: Db;
beforeAll(async () => ({ db } = await createTestDb()));

const owner = newUser("Olga");
/** Fixed instants, so "before" and "after" the removal never depend on two calls landing in different ms. */
const start = Math.floor(Date.now() / 60_000) * 60_000;
const at = (minutes: number) => new Date(start + minutes * 60_000);

const invite = (roomId: string, now: Date) => Invite.create(db, { input: { roomId }, caller: owner, now });
const accept = (code: string, caller: User, now: Date) => Invite.accept(db, { input: { code }, caller, now });
const isMember = async (roomId: string, user: User) =>
  (await Membership.get(db, { roomId, userId: user.userId })) !== null;

/** A room `rex` joined with an invite made at 1; an invite `spare` made at 2 was never used; rex removed at 3. */
async function removedFrom(visibility: "public" | "private") {
  const room = await Room.create(db, {
    input: { name: `bans ${visibility}`, visibility },
    caller: owner,
    now: at(0),
  });
  const used = await invite(room.roomId, at(1));
  const spare = await invite(room.roomId, at(2));
  const rex = newUser("Rex");
  await accept(used.code, rex, at(2));
  await Membership.remove(db, {
    input: { roomId: room.roomId, userId: rex.userId },
    caller: owner,
    now: at(3),
  });
  return { room, rex, codes: [used.code, spare.code] };
}

describe("removing a member from a private room", () => {
  it("revokes every invite made before it: a new guest with an old code gets NotFound", async () => {
    const { room, codes } = await removedFrom("private");
    for (const code of codes) {
      const guest = newUser("Rex");
      await expect(accept(code, guest, at(4))).rejects.toBeInstanceOf(NotFoundError);
      expect(await isMember(room.roomId, guest)).toBe(false);
    }
  });

  it("in the removal's own write: the room's revocation time is the removal's", async () => {
    const { room, rex } = await removedFrom("private");
    const { data } = await db.entities.room.get({ roomId: room.roomId }).go({ consistent: true });
    const { data: removal } = await db.entities.removal
      .get({ roomId: room.roomId, userId: rex.userId })
      .go({ consistent: true });
    expect(data?.invitesRevokedAt).toBe(at(3).toISOString());
    expect(removal?.removedAt).toBe(at(3).toISOString());
  });

  it("the removed user with an old code is still told they were removed (403)", async () => {
    const { room, rex, codes } = await removedFrom("private");
    await expect(accept(codes[0]!, rex, at(4))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await isMember(room.roomId, rex)).toBe(false);
  });

  it("an invite the owner makes after the removal works, for a newcomer and for the removed user", async () => {
    const { room, rex } = await removedFrom("private");
    const fresh = await invite(room.roomId, at(5));
    const guest = newUser("Gus");
    expect(await accept(fresh.code, guest, at(6))).toMatchObject({ roomId: room.roomId });
    expect(await accept(fresh.code, rex, at(6))).toMatchObject({ roomId: room.roomId });
    expect(await isMember(room.roomId, guest)).toBe(true);
    expect(await isMember(room.roomId, rex)).toBe(true);
  });

  it("a member leaving (`me`) revokes nothing", async () => {
    const room = await Room.create(db, {
      input: { name: "leaving", visibility: "private" },
      caller: owner,
      now: at(0),
    });
    const { code } = await invite(room.roomId, at(1));
    const bea = newUser("Bea");
    await accept(code, bea, at(2));
    await Membership.remove(db, { input: { roomId: room.roomId, userId: "me" }, caller: bea, now: at(3) });
    const cat = newUser("Cat");
    await accept(code, cat, at(4));
    expect(await isMember(room.roomId, cat)).toBe(true);
  });
});

describe("removing a member from a public room", () => {
  it("leaves its invites working for others (anyone may join a public room anyway)", async () => {
    const { room, rex, codes } = await removedFrom("public");
    const guest = newUser("Gus");
    await accept(codes[1]!, guest, at(4));
    expect(await isMember(room.roomId, guest)).toBe(true);
    await expect(accept(codes[0]!, rex, at(4))).rejects.toBeInstanceOf(ForbiddenError);
  });
});
