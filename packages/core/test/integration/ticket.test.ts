import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db";
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from "../../src/errors";
import { SECRET_TOKEN_PATTERN } from "../../src/ids";
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
const createRoom = (visibility: "public" | "private") =>
  Room.create(db, { input: { name: visibility, visibility }, caller: owner });
const issue = (roomId: string, caller: User, now?: Date) =>
  Ticket.issue(db, { input: { roomId }, caller, now });
const consume = (input: Record<string, unknown>, now?: Date) => Ticket.consume(db, { input, now });

async function refusedWithoutWrites(
  call: () => Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
) {
  const before = await tableItems(client, table);
  await expect(call()).rejects.toBeInstanceOf(type);
  expect(await tableItems(client, table)).toEqual(before);
}
const refusedTicket = async (call: () => Promise<unknown>) => {
  const error = await call().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect(error).toMatchObject({ code: "unauthorized", status: 401 });
};

describe("Ticket.issue", () => {
  it("any signed-in user gets a ticket for a public room; it says who, under which name, to which room", async () => {
    const room = await createRoom("public");
    const bea = newUser("Bea");
    const now = new Date();
    const { ticket, expiresAt } = await issue(room.roomId, bea, now);
    expect(ticket).toMatch(SECRET_TOKEN_PATTERN);
    expect(Buffer.from(ticket, "base64url")).toHaveLength(32);
    expect(expiresAt).toBe(new Date((Math.floor(now.getTime() / 1000) + 60) * 1000).toISOString());
    expect(await consume({ ticket })).toEqual({
      userId: bea.userId,
      name: "Bea",
      roomId: room.roomId,
      standing: "newcomer",
    });
  });

  it("a member of a private room gets one; the owner too", async () => {
    const room = await createRoom("private");
    const member = newUser("Member");
    await Membership.join(db, { room: room, user: member });
    expect(await consume({ ticket: (await issue(room.roomId, member)).ticket })).toMatchObject({
      userId: member.userId,
      roomId: room.roomId,
    });
    expect(await consume({ ticket: (await issue(room.roomId, owner)).ticket })).toMatchObject({
      userId: owner.userId,
    });
  });

  it("says whether the caller was a member under that name (member), or not, or under another (newcomer)", async () => {
    const room = await createRoom("private");
    const member = newUser("Member");
    await Membership.join(db, { room, user: member });
    const standing = async (caller: User) =>
      (await consume({ ticket: (await issue(room.roomId, caller)).ticket })).standing;
    expect(await standing(member)).toBe("member");
    expect(await standing({ ...member, name: "Member, renamed" })).toBe("newcomer");
    expect(await standing(newUser("Visitor")).catch((e: unknown) => e)).toBeInstanceOf(NotFoundError);
    const open = await createRoom("public");
    expect((await consume({ ticket: (await issue(open.roomId, member)).ticket })).standing).toBe("newcomer");
  });

  it("a private room the caller is not in is NotFound, and no ticket is written", async () => {
    const room = await createRoom("private");
    await refusedWithoutWrites(() => issue(room.roomId, newUser("Outsider")), NotFoundError);
    await refusedWithoutWrites(() => issue("01ARZ3NDEKTSV4RRFFQ69G5FAV", newUser("Outsider")), NotFoundError);
    await refusedWithoutWrites(() => issue("lobby", newUser("Outsider")), ValidationError);
  });

  it("a user the owner removed is Forbidden (public or private room), and no ticket is written", async () => {
    for (const visibility of ["public", "private"] as const) {
      const room = await createRoom(visibility);
      const rex = newUser("Rex");
      await Membership.join(db, { room: room, user: rex });
      await Membership.remove(db, { input: { roomId: room.roomId, userId: rex.userId }, caller: owner });
      await refusedWithoutWrites(() => issue(room.roomId, rex), ForbiddenError);
    }
  });

  it("a user who left on their own (not removed) still gets tickets for a public room", async () => {
    const room = await createRoom("public");
    const leaver = newUser("Leaver");
    await Membership.join(db, { room: room, user: leaver });
    await Membership.remove(db, { input: { roomId: room.roomId, userId: "me" }, caller: leaver });
    await expect(issue(room.roomId, leaver)).resolves.toMatchObject({
      ticket: expect.stringMatching(SECRET_TOKEN_PATTERN),
    });
  });
});

describe("Ticket.consume", () => {
  it("works once: a replay is Unauthorized", async () => {
    const room = await createRoom("public");
    const { ticket } = await issue(room.roomId, newUser("Bea"));
    await consume({ ticket });
    await refusedTicket(() => consume({ ticket }));
    expect((await db.entities.ticket.get({ ticket }).go({ consistent: true })).data).toBeNull();
  });

  it("of concurrent handshakes with one ticket exactly one gets in", async () => {
    const room = await createRoom("public");
    const { ticket } = await issue(room.roomId, newUser("Bea"));
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => consume({ ticket })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(UnauthorizedError);
  });

  it("expires after 60 seconds: valid at 59 s, Unauthorized at 60 s", async () => {
    const room = await createRoom("public");
    const issuedAt = new Date();
    const first = await issue(room.roomId, newUser("Bea"), issuedAt);
    expect(await consume({ ticket: first.ticket }, new Date(issuedAt.getTime() + 59_000))).toMatchObject({
      roomId: room.roomId,
    });
    const second = await issue(room.roomId, newUser("Cy"), issuedAt);
    await refusedTicket(() => consume({ ticket: second.ticket }, new Date(issuedAt.getTime() + 60_000)));
    const third = await issue(room.roomId, newUser("Di"), new Date(Date.now() - 10 * 60_000));
    await refusedTicket(() => consume({ ticket: third.ticket }));
  });

  it("refuses a ticket presented for another room than it was issued for (and it is used up)", async () => {
    const room = await createRoom("public");
    const other = await createRoom("public");
    const { ticket } = await issue(room.roomId, newUser("Bea"));
    await refusedTicket(() => consume({ ticket, roomId: other.roomId }));
    await refusedTicket(() => consume({ ticket }));
    const next = await issue(room.roomId, newUser("Cy"));
    expect(await consume({ ticket: next.ticket, roomId: room.roomId })).toMatchObject({
      roomId: room.roomId,
    });
  });

  it("refuses an unknown ticket", async () => {
    await refusedTicket(() => consume({ ticket: "A".repeat(43) }));
  });

  it.each([
    ["missing", {}],
    ["empty", { ticket: "" }],
    ["too short", { ticket: "abc" }],
    ["too long", { ticket: "A".repeat(87) }],
    ["not base64url", { ticket: `${"A".repeat(40)}+/=` }],
    ["not a string", { ticket: 12345 }],
    ["an array", { ticket: ["A".repeat(43)] }],
  ])("refuses a malformed ticket (%s) without touching the table", async (_, input) => {
    const before = await tableItems(client, table);
    await refusedTicket(() => consume(input));
    expect(await tableItems(client, table)).toEqual(before);
  });

  it("the name in the ticket is the caller's name when it was issued", async () => {
    const room = await createRoom("public");
    const user = newUser("Before");
    const { ticket } = await issue(room.roomId, user);
    await issue(room.roomId, { ...user, name: "After" });
    expect((await consume({ ticket })).name).toBe("Before");
  });
});
