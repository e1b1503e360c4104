import { beforeAll, describe, expect, it } from "vitest";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import { LimitReachedError } from "../../src/errors";
import { defaultLimits } from "../../src/limits";
import type { User } from "../../src/protocol";
import { joinRoom } from "../../src/realtime";
import { Room } from "../../src/room";
import { Ticket, type TicketClaims } from "../../src/ticket";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
beforeAll(async () => ({ db } = await createTestDb()));

const CAP = 3;
const limits = { ...defaultLimits, connectionsPerUserInRoom: CAP };
let sequence = 0;
const claimsOf = (user: User, roomId: string): TicketClaims => ({ ...user, roomId, standing: "member" });

/** A socket of `user` joined as `$connect` joins it; its connection id. */
async function connect(user: User, roomId: string) {
  const connectionId = `conn${sequence++}Aw=`;
  await joinRoom({ db, connectionId, claims: claimsOf(user, roomId), limits });
  return connectionId;
}

const issue = (user: User, roomId: string) =>
  Ticket.issue(db, { input: { roomId }, caller: user, connectionsPerUserInRoom: CAP });
const refusal = (call: Promise<unknown>) =>
  call.then(
    () => null,
    (error: unknown) => error,
  );
const liveOf = async (user: User, roomId: string) =>
  (await Connection.listOfUser(db, { roomId, userId: user.userId })).length;

describe("live connections per user in a room (connectionsPerUserInRoom)", () => {
  it("has a default a person with several tabs and devices stays under", () => {
    expect(defaultLimits.connectionsPerUserInRoom).toBe(10);
  });

  it("$connect refuses the socket past the cap with limit_reached and stores nothing; others are unaffected", async () => {
    const owner = newUser("Ola");
    const { roomId } = await Room.create(db, { input: { name: "tabs" }, caller: owner });
    for (let i = 0; i < CAP; i++) await connect(owner, roomId);

    const refused = await refusal(connect(owner, roomId));
    expect(refused).toBeInstanceOf(LimitReachedError);
    expect(refused).toMatchObject({ code: "limit_reached", status: 409 });
    expect((refused as Error).message).toMatch(/3 connections/);
    expect(await liveOf(owner, roomId)).toBe(CAP);

    // Another user, and the same user in another room, have slots of their own.
    const bea = newUser("Bea");
    await connect(bea, roomId);
    await Room.create(db, { input: { name: "elsewhere" }, caller: owner }).then(({ roomId: other }) =>
      connect(owner, other),
    );
    expect(await liveOf(bea, roomId)).toBe(1);
  });

  it("closing one socket frees its slot", async () => {
    const owner = newUser("Oli");
    const { roomId } = await Room.create(db, { input: { name: "closing" }, caller: owner });
    const sockets = [];
    for (let i = 0; i < CAP; i++) sockets.push(await connect(owner, roomId));
    await expect(connect(owner, roomId)).rejects.toBeInstanceOf(LimitReachedError);
    await Connection.remove(db, { connectionId: sockets[0]! });
    await connect(owner, roomId);
    expect(await liveOf(owner, roomId)).toBe(CAP);
  });

  it("counts only live records: one past its expiry (a socket that died without $disconnect) holds no slot", async () => {
    const owner = newUser("Oda");
    const { roomId } = await Room.create(db, { input: { name: "stale" }, caller: owner });
    const past = new Date(Date.now() - 3 * 60 * 60 * 1000);
    for (let i = 0; i < CAP; i++) {
      const record = Connection.newRecord({
        connectionId: `stale${sequence++}Aw=`,
        claims: claimsOf(owner, roomId),
        now: past,
      });
      await Connection.save(db, record);
    }
    for (let i = 0; i < CAP; i++) await connect(owner, roomId);
    expect(await liveOf(owner, roomId)).toBe(CAP);
  });

  it("POST /rooms/{roomId}/tickets refuses a user at the cap with 409 limit_reached, before any socket is tried", async () => {
    const owner = newUser("Ona");
    const { roomId } = await Room.create(db, { input: { name: "tickets" }, caller: owner });
    const sockets = [];
    for (let i = 0; i < CAP; i++) sockets.push(await connect(owner, roomId));

    const refused = await refusal(issue(owner, roomId));
    expect(refused).toBeInstanceOf(LimitReachedError);
    expect(refused).toMatchObject({ code: "limit_reached", status: 409 });
    expect((await issue(newUser("Other"), roomId)).ticket).toEqual(expect.any(String));

    await Connection.remove(db, { connectionId: sockets[1]! });
    expect((await issue(owner, roomId)).ticket).toEqual(expect.any(String));
  });

  it("a private room's non-member learns nothing from the cap: 404 comes first", async () => {
    const owner = newUser("Oz");
    const { roomId } = await Room.create(db, {
      input: { name: "hidden", visibility: "private" },
      caller: owner,
    });
    const stranger = newUser("Stranger");
    await expect(issue(stranger, roomId)).rejects.toMatchObject({ code: "not_found", status: 404 });
  });
});
