import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { LimitReachedError } from "../../src/errors";
import { Invite } from "../../src/invite";
import { Membership } from "../../src/membership";
import { Room } from "../../src/room";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
beforeAll(async () => ({ db } = await createTestDb()));

const memberCount = async (roomId: string) =>
  (await db.entities.room.get({ roomId }).go({ consistent: true })).data?.memberCount;

describe("members per room cap", () => {
  it("counts the owner, refuses a join past the cap (limit_reached, nothing written), lets members back in", async () => {
    const owner = newUser("Olive");
    const room = await Room.create(db, { input: { name: "small" }, caller: owner });
    expect(await memberCount(room.roomId)).toBe(1);
    const ann = newUser("Ann");
    await Membership.join(db, { room, user: ann, cap: 2 });
    expect(await memberCount(room.roomId)).toBe(2);

    const late = newUser("Late");
    const refused = await Membership.join(db, { room, user: late, cap: 2 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LimitReachedError);
    expect(refused).toMatchObject({ code: "limit_reached", status: 409 });
    expect(await Membership.get(db, { roomId: room.roomId, userId: late.userId })).toBeNull();
    expect(await memberCount(room.roomId)).toBe(2);

    // An existing member joining again changes nothing, full or not.
    await Membership.join(db, { room, user: ann, cap: 2 });
    expect(await memberCount(room.roomId)).toBe(2);

    // Leaving makes room.
    await Membership.remove(db, { input: { roomId: room.roomId, userId: "me" }, caller: ann });
    expect(await memberCount(room.roomId)).toBe(1);
    await Membership.join(db, { room, user: late, cap: 2 });
    expect(await memberCount(room.roomId)).toBe(2);
    // So does a removal by the owner.
    await Membership.remove(db, { input: { roomId: room.roomId, userId: late.userId }, caller: owner });
    expect(await memberCount(room.roomId)).toBe(1);
  });

  it("holds under a crowd: of 12 joining a room with 5 places left at once, exactly 5 get in", async () => {
    const room = await Room.create(db, { input: { name: "crowded" }, caller: newUser("Owner") });
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => Membership.join(db, { room, user: newUser(`P${i}`), cap: 6 })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(LimitReachedError);
    expect(await memberCount(room.roomId)).toBe(6);
  });

  it("refuses an invite into a full room with limit_reached, and admits once there is room", async () => {
    const owner = newUser("Owner");
    const room = await Room.create(db, { input: { name: "private", visibility: "private" }, caller: owner });
    const { code } = await Invite.create(db, { input: { roomId: room.roomId }, caller: owner });
    const guest = newUser("Guest");
    await expect(
      Invite.accept(db, { input: { code }, caller: guest, membersPerRoom: 1 }),
    ).rejects.toBeInstanceOf(LimitReachedError);
    expect(await Membership.get(db, { roomId: room.roomId, userId: guest.userId })).toBeNull();
    await Invite.accept(db, { input: { code }, caller: guest, membersPerRoom: 2 });
    expect(await memberCount(room.roomId)).toBe(2);
    // Accepting again (already a member) is fine even when the room is full.
    await Invite.accept(db, { input: { code }, caller: guest, membersPerRoom: 2 });
    expect(await memberCount(room.roomId)).toBe(2);
  });
});
