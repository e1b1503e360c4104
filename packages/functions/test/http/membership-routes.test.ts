import { Connection } from "@rooms/core/connection";
import type { Db } from "@rooms/core/db";
import { SECRET_TOKEN_PATTERN } from "@rooms/core/ids";
import { Membership } from "@rooms/core/membership";
import type { Room } from "@rooms/core/protocol";
import { Ticket } from "@rooms/core/ticket";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectionsApiServer } from "../../../../test/support/connections-api-server";
import { type HttpEventOptions, type HttpRouteKey, httpEvent } from "../support/events";
import {
  captureLogs,
  type HandlerEnv,
  type Invoke,
  loadHandler,
  parseBody,
  type SignedIn,
  startHandlerEnv,
} from "../support/handler-env";

const unknownRoomId = "01JP3Q8Z5K7V2M4N6R8T0W2Y4A";

let env: HandlerEnv;
let db: Db;
let api: ConnectionsApiServer;
let logs: Record<string, any>[];
const handlers = {} as Record<
  | "createRoom"
  | "getRoom"
  | "listMyRooms"
  | "listMembers"
  | "createTicket"
  | "createInvite"
  | "revokeInvites"
  | "acceptInvite"
  | "removeMember",
  Invoke
>;

beforeAll(async () => {
  env = await startHandlerEnv();
  ({ db, connections: api } = env);
  logs = await captureLogs();
  handlers.createRoom = await loadHandler("http/create-room");
  handlers.getRoom = await loadHandler("http/get-room");
  handlers.listMyRooms = await loadHandler("http/list-my-rooms");
  handlers.listMembers = await loadHandler("http/list-members");
  handlers.createTicket = await loadHandler("http/create-ticket");
  handlers.createInvite = await loadHandler("http/create-invite");
  handlers.revokeInvites = await loadHandler("http/revoke-invites");
  handlers.acceptInvite = await loadHandler("http/accept-invite");
  handlers.removeMember = await loadHandler("http/remove-member");
});
afterAll(() => env.close());
beforeEach(() => api.clear());

const as = (who: SignedIn, route: HttpRouteKey, options: HttpEventOptions = {}) =>
  httpEvent(route, { token: who.token, ...options });

async function createRoom(
  owner: SignedIn,
  visibility: "public" | "private" = "private",
  name = `${owner.user.name}'s ${visibility} room`,
): Promise<Room> {
  const response = await handlers.createRoom(as(owner, "POST /rooms", { body: { name, visibility } }));
  expect(response.statusCode).toBe(201);
  return parseBody(response).room;
}
async function inviteCode(owner: SignedIn, roomId: string) {
  const response = await handlers.createInvite(as(owner, "POST /rooms/{roomId}/invites", { roomId }));
  expect(response.statusCode).toBe(201);
  return parseBody(response).invite.code as string;
}
async function joinByInvite(owner: SignedIn, roomId: string, ...members: SignedIn[]) {
  const code = await inviteCode(owner, roomId);
  for (const m of members)
    expect(
      (await handlers.acceptInvite(as(m, "POST /invites/{code}", { params: { code } }))).statusCode,
    ).toBe(200);
}
const errorOf = (response: { statusCode: number; body?: string }) => ({
  status: response.statusCode,
  code: parseBody(response).error?.code,
});

describe("GET /me/rooms", () => {
  it("lists the rooms I am a member of, with my role, private ones included, newest first, paged", async () => {
    const me = await env.signIn("Me");
    const other = await env.signIn("Other");
    const mine = await createRoom(me, "private");
    const theirs = await createRoom(other, "private");
    await joinByInvite(other, theirs.roomId, me);
    const notMine = await createRoom(other, "public");
    const first = await handlers.listMyRooms(as(me, "GET /me/rooms", { query: { limit: "1" } }));
    expect(first.statusCode).toBe(200);
    const page1 = parseBody(first);
    expect(page1).toEqual({
      rooms: [{ ...theirs, role: "member", unread: 0, unreadMentions: 0 }],
      cursor: theirs.roomId,
    });
    const page2 = parseBody(
      await handlers.listMyRooms(as(me, "GET /me/rooms", { query: { limit: "1", cursor: page1.cursor } })),
    );
    expect(page2).toEqual({
      rooms: [{ ...mine, role: "owner", unread: 0, unreadMentions: 0 }],
      cursor: null,
    });
    expect(JSON.stringify([page1, page2])).not.toContain(notMine.roomId);
  });

  it("is empty for a new user and refuses a bad limit with 400", async () => {
    const fresh = await env.signIn("Fresh");
    expect(parseBody(await handlers.listMyRooms(as(fresh, "GET /me/rooms", { query: {} })))).toEqual({
      rooms: [],
      cursor: null,
    });
    expect(
      (await handlers.listMyRooms(as(fresh, "GET /me/rooms", { query: { limit: "0" } }))).statusCode,
    ).toBe(400);
  });

  it("needs a token", async () => {
    expect(errorOf(await handlers.listMyRooms(httpEvent("GET /me/rooms", { query: {} })))).toEqual({
      status: 401,
      code: "unauthorized",
    });
  });
});

describe("GET /rooms/{roomId}/members", () => {
  it("lists memberships (not connections), paged", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "private");
    const members = [await env.signIn("M1"), await env.signIn("M2")];
    await joinByInvite(owner, room.roomId, ...members);
    const first = parseBody(
      await handlers.listMembers(
        as(owner, "GET /rooms/{roomId}/members", { roomId: room.roomId, query: { limit: "2" } }),
      ),
    );
    expect(first.members).toHaveLength(2);
    expect(first.cursor).toEqual(expect.any(String));
    const second = parseBody(
      await handlers.listMembers(
        as(owner, "GET /rooms/{roomId}/members", {
          roomId: room.roomId,
          query: { limit: "2", cursor: first.cursor },
        }),
      ),
    );
    expect(second.cursor).toBeNull();
    const all = [...first.members, ...second.members];
    expect(all.map((m: { userId: string }) => m.userId).sort()).toEqual(
      [owner, ...members].map((u) => u.user.userId).sort(),
    );
    expect(all.find((m: { userId: string }) => m.userId === owner.user.userId)).toEqual({
      userId: owner.user.userId,
      name: "Owner",
      role: "owner",
      joinedAt: room.createdAt,
    });
  });

  it("a private room's members are 404 to a non-member", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "private");
    const outsider = await env.signIn("Outsider");
    expect(
      errorOf(
        await handlers.listMembers(
          as(outsider, "GET /rooms/{roomId}/members", { roomId: room.roomId, query: {} }),
        ),
      ),
    ).toEqual({
      status: 404,
      code: "not_found",
    });
  });
});

describe("POST /rooms/{roomId}/tickets", () => {
  it("201 {ticket, expiresAt} for a public room, valid 60 s, naming the caller", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "public");
    const visitor = await env.signIn("Visitor");
    const response = await handlers.createTicket(
      as(visitor, "POST /rooms/{roomId}/tickets", { roomId: room.roomId }),
    );
    expect(response.statusCode).toBe(201);
    const body = parseBody(response);
    expect(body).toEqual({
      ticket: expect.stringMatching(SECRET_TOKEN_PATTERN),
      expiresAt: expect.any(String),
    });
    const seconds = (new Date(body.expiresAt).getTime() - Date.now()) / 1000;
    expect(seconds).toBeGreaterThan(55);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(await Ticket.consume(db, { input: { ticket: body.ticket } })).toEqual({
      userId: visitor.user.userId,
      name: "Visitor",
      roomId: room.roomId,
      standing: "newcomer",
    });
  });

  it("accepts an empty JSON body too (POST routes without input take none or {})", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "public");
    expect(
      (
        await handlers.createTicket(
          as(owner, "POST /rooms/{roomId}/tickets", { roomId: room.roomId, body: {} }),
        )
      ).statusCode,
    ).toBe(201);
  });

  it("a private room: 201 for a member, 404 for a non-member, 403 for a removed member; unknown room 404", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "private");
    const member = await env.signIn("Member");
    const rex = await env.signIn("Rex");
    await joinByInvite(owner, room.roomId, member, rex);
    expect(
      (await handlers.createTicket(as(member, "POST /rooms/{roomId}/tickets", { roomId: room.roomId })))
        .statusCode,
    ).toBe(201);
    expect(
      errorOf(
        await handlers.createTicket(
          as(await env.signIn("Out"), "POST /rooms/{roomId}/tickets", { roomId: room.roomId }),
        ),
      ),
    ).toEqual({
      status: 404,
      code: "not_found",
    });
    const removed = await handlers.removeMember(
      as(owner, "DELETE /rooms/{roomId}/members/{userId}", {
        roomId: room.roomId,
        params: { userId: rex.user.userId },
      }),
    );
    expect(removed.statusCode).toBe(204);
    expect(
      errorOf(await handlers.createTicket(as(rex, "POST /rooms/{roomId}/tickets", { roomId: room.roomId }))),
    ).toEqual({
      status: 403,
      code: "forbidden",
    });
    expect(
      errorOf(
        await handlers.createTicket(as(owner, "POST /rooms/{roomId}/tickets", { roomId: unknownRoomId })),
      ),
    ).toEqual({
      status: 404,
      code: "not_found",
    });
    expect(
      errorOf(await handlers.createTicket(as(owner, "POST /rooms/{roomId}/tickets", { roomId: "lobby" }))),
    ).toEqual({ status: 404, code: "not_found" });
  });

  it("never writes the ticket to the log", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "public");
    logs.length = 0;
    const { ticket } = parseBody(
      await handlers.createTicket(as(owner, "POST /rooms/{roomId}/tickets", { roomId: room.roomId })),
    );
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toContain(ticket);
    expect(JSON.stringify(logs)).not.toContain(owner.token);
  });
});

describe("invites", () => {
  it("POST /rooms/{roomId}/invites: the owner gets 201 {invite: {code, expiresAt}}, with no body, {} or expiresInHours", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner);
    for (const body of [undefined, {}, { expiresInHours: 1 }]) {
      const response = await handlers.createInvite(
        as(owner, "POST /rooms/{roomId}/invites", { roomId: room.roomId, body }),
      );
      expect(response.statusCode).toBe(201);
      expect(parseBody(response)).toEqual({
        invite: { code: expect.stringMatching(SECRET_TOKEN_PATTERN), expiresAt: expect.any(String) },
      });
    }
    const oneHour = parseBody(
      await handlers.createInvite(
        as(owner, "POST /rooms/{roomId}/invites", { roomId: room.roomId, body: { expiresInHours: 1 } }),
      ),
    );
    expect(Math.round((new Date(oneHour.invite.expiresAt).getTime() - Date.now()) / 60_000)).toBe(60);
  });

  it.each([0, 721, 2.5, "24"])("refuses expiresInHours %j with 400", async (expiresInHours) => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner);
    const response = await handlers.createInvite(
      as(owner, "POST /rooms/{roomId}/invites", { roomId: room.roomId, body: { expiresInHours } }),
    );
    expect(response.statusCode).toBe(400);
    expect(parseBody(response).error.issues).toEqual([expect.objectContaining({ path: ["expiresInHours"] })]);
  });

  it("creating and revoking invites is owner only: a member gets 403, a private room's outsider 404", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "private");
    const member = await env.signIn("Member");
    await joinByInvite(owner, room.roomId, member);
    const outsider = await env.signIn("Outsider");
    expect(
      errorOf(
        await handlers.createInvite(as(member, "POST /rooms/{roomId}/invites", { roomId: room.roomId })),
      ),
    ).toEqual({ status: 403, code: "forbidden" });
    expect(
      errorOf(
        await handlers.createInvite(as(outsider, "POST /rooms/{roomId}/invites", { roomId: room.roomId })),
      ),
    ).toEqual({
      status: 404,
      code: "not_found",
    });
    expect(
      errorOf(
        await handlers.revokeInvites(as(member, "DELETE /rooms/{roomId}/invites", { roomId: room.roomId })),
      ),
    ).toEqual({
      status: 403,
      code: "forbidden",
    });
    expect(
      errorOf(
        await handlers.revokeInvites(as(outsider, "DELETE /rooms/{roomId}/invites", { roomId: room.roomId })),
      ),
    ).toEqual({
      status: 404,
      code: "not_found",
    });
  });

  it("POST /invites/{code}: 200 {room}, the caller is a member and can read the private room", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "private");
    const guest = await env.signIn("Guest");
    expect(
      (await handlers.getRoom(as(guest, "GET /rooms/{roomId}", { roomId: room.roomId }))).statusCode,
    ).toBe(404);
    const code = await inviteCode(owner, room.roomId);
    const response = await handlers.acceptInvite(as(guest, "POST /invites/{code}", { params: { code } }));
    expect(response.statusCode).toBe(200);
    expect(parseBody(response)).toEqual({ room });
    const view = await handlers.getRoom(as(guest, "GET /rooms/{roomId}", { roomId: room.roomId }));
    expect(view.statusCode).toBe(200);
    expect(parseBody(view).role).toBe("member");
    expect(
      (await handlers.acceptInvite(as(guest, "POST /invites/{code}", { params: { code } }))).statusCode,
    ).toBe(200);
  });

  it("an unknown, malformed or revoked code is 404", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "private");
    const code = await inviteCode(owner, room.roomId);
    const guest = await env.signIn("Guest");
    expect(
      errorOf(
        await handlers.acceptInvite(as(guest, "POST /invites/{code}", { params: { code: "A".repeat(22) } })),
      ),
    ).toEqual({
      status: 404,
      code: "not_found",
    });
    expect(
      errorOf(
        await handlers.acceptInvite(as(guest, "POST /invites/{code}", { params: { code: "not a code" } })),
      ),
    ).toEqual({
      status: 404,
      code: "not_found",
    });
    expect(
      (await handlers.revokeInvites(as(owner, "DELETE /rooms/{roomId}/invites", { roomId: room.roomId })))
        .statusCode,
    ).toBe(204);
    expect(
      errorOf(await handlers.acceptInvite(as(guest, "POST /invites/{code}", { params: { code } }))),
    ).toEqual({ status: 404, code: "not_found" });
    expect(await Membership.get(db, { roomId: room.roomId, userId: guest.user.userId })).toBeNull();
    const fresh = await inviteCode(owner, room.roomId);
    expect(
      (await handlers.acceptInvite(as(guest, "POST /invites/{code}", { params: { code: fresh } })))
        .statusCode,
    ).toBe(200);
  });
});

describe("DELETE /rooms/{roomId}/members/{userId}", () => {
  /** A socket of `who` in the room, as $connect would have stored it. */
  async function socketOf(who: SignedIn, roomId: string, connectionId: string) {
    await Connection.save(db, Connection.newRecord({ connectionId, claims: { ...who.user, roomId } }));
    return connectionId;
  }
  const remove = (caller: SignedIn, roomId: string, userId: string) =>
    handlers.removeMember(
      as(caller, "DELETE /rooms/{roomId}/members/{userId}", { roomId, params: { userId } }),
    );

  it("the owner removes a member: 204; their sockets get {type: removed} and are closed; they are banned", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "public");
    const rex = await env.signIn("Rex");
    await joinByInvite(owner, room.roomId, rex);
    const [tab1, tab2] = [
      await socketOf(rex, room.roomId, "rex-tab1="),
      await socketOf(rex, room.roomId, "rex-tab2="),
    ];
    const ownerSocket = await socketOf(owner, room.roomId, "owner-tab=");
    const response = await remove(owner, room.roomId, rex.user.userId);
    expect(response).toEqual({ statusCode: 204 });
    for (const tab of [tab1, tab2])
      expect(api.framesFor(tab)).toEqual([{ type: "removed", roomId: room.roomId }]);
    expect(api.closed.sort()).toEqual([tab1, tab2].sort());
    expect(api.framesFor(ownerSocket)).toEqual([]);
    expect(api.unexpected).toEqual([]);
    expect(await Membership.get(db, { roomId: room.roomId, userId: rex.user.userId })).toBeNull();
    expect(
      errorOf(await handlers.createTicket(as(rex, "POST /rooms/{roomId}/tickets", { roomId: room.roomId }))),
    ).toEqual({
      status: 403,
      code: "forbidden",
    });
  });

  it("a member leaves with `me`: 204, sockets closed without a removed frame, and not banned", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "public");
    const bea = await env.signIn("Bea");
    await joinByInvite(owner, room.roomId, bea);
    const tab = await socketOf(bea, room.roomId, "bea-tab=");
    expect(await remove(bea, room.roomId, "me")).toEqual({ statusCode: 204 });
    expect(api.closed).toEqual([tab]);
    expect(api.framesFor(tab)).toEqual([]);
    expect(
      (await handlers.createTicket(as(bea, "POST /rooms/{roomId}/tickets", { roomId: room.roomId })))
        .statusCode,
    ).toBe(201);
  });

  it("the owner cannot remove or leave themselves: 409 conflict", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner);
    expect(errorOf(await remove(owner, room.roomId, "me"))).toEqual({ status: 409, code: "conflict" });
    expect(errorOf(await remove(owner, room.roomId, owner.user.userId))).toEqual({
      status: 409,
      code: "conflict",
    });
    expect(await Membership.get(db, { roomId: room.roomId, userId: owner.user.userId })).toMatchObject({
      role: "owner",
    });
  });

  it("a member cannot remove others (403); a private room's outsider gets 404; nothing is closed", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner, "private");
    const [bea, cy] = [await env.signIn("Bea"), await env.signIn("Cy")];
    await joinByInvite(owner, room.roomId, bea, cy);
    const cyTab = await socketOf(cy, room.roomId, "cy-tab=");
    expect(errorOf(await remove(bea, room.roomId, cy.user.userId))).toEqual({
      status: 403,
      code: "forbidden",
    });
    expect(errorOf(await remove(await env.signIn("Out"), room.roomId, cy.user.userId))).toEqual({
      status: 404,
      code: "not_found",
    });
    expect(api.closed).toEqual([]);
    expect(api.framesFor(cyTab)).toEqual([]);
    expect(await Membership.get(db, { roomId: room.roomId, userId: cy.user.userId })).not.toBeNull();
  });

  it("a user id that cannot be one names nobody: 404", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner);
    expect(errorOf(await remove(owner, room.roomId, "not a user"))).toEqual({
      status: 404,
      code: "not_found",
    });
  });

  it("needs a token: 401 before anything is looked at", async () => {
    const owner = await env.signIn("Owner");
    const room = await createRoom(owner);
    const response = await handlers.removeMember(
      httpEvent("DELETE /rooms/{roomId}/members/{userId}", {
        roomId: room.roomId,
        params: { userId: owner.user.userId },
      }),
    );
    expect(errorOf(response)).toEqual({ status: 401, code: "unauthorized" });
  });
});
