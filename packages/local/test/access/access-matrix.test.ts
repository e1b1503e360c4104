import { randomBytes } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createIdentity, GUEST_TOKEN_TTL_SECONDS } from "@rooms/core/identity";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import WebSocket from "ws";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";
import { tableSnapshot } from "../../../../test/support/table-snapshot";
import { type LocalStack, startLocalStack } from "../../src/local-stack";

/**
 * The access matrix of the identity issue: every HTTP route and every WebSocket frame, as (a) no token,
 * (b) a forged, `alg: none` or expired token, (c) a signed-in non-member, (d) a member and (e) the owner,
 * against a public and a private room. Each cell gets exactly the contract's answer, and every refused call
 * leaves the table exactly as it was.
 */

const SECRET = randomBytes(32).toString("base64url");
const ISSUER = "rooms-local";
type Who = "none" | "forged" | "algNone" | "expired" | "stranger" | "member" | "owner";
type Kind = "public" | "private";

let stack: LocalStack;
let dynamo: DynamoDBClient;
const tokens = {} as Record<Who, string | undefined>;
const users = {} as Record<"stranger" | "member" | "owner", { userId: string; token: string }>;
const rooms = {} as Record<Kind, string>;

async function call(method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(`${stack.httpUrl}${path}`, {
    method,
    headers: {
      ...(token && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

async function session(name: string) {
  const { status, json } = await call("POST", "/sessions", undefined, { name });
  expect(status).toBe(201);
  return { userId: json.user.userId as string, token: json.token as string };
}

/** A guest token as the stage would sign it, or with another secret (forged), or issued long ago (expired). */
async function sign(user: { userId: string; name: string }, { secret = SECRET, issuedAt = new Date() } = {}) {
  return (await createIdentity({ secret, issuer: ISSUER }).issue(user, issuedAt)).token;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Every item of this test's table, canonical (a test may scan; the app never does). */
/** Every item of this test's own table, without the rate limiter's state (see tableSnapshot). */
const tableContent = () => tableSnapshot(dynamo, stack.tableName);

/** A call that must be refused with `status` (and `code`) and leave the table untouched. */
async function expectRefused(
  method: string,
  path: string,
  who: Who,
  status: number,
  code: string,
  body?: unknown,
) {
  const before = await tableContent();
  const reply = await call(method, path, tokens[who], body);
  expect({ who, method, path, status: reply.status, code: reply.json?.error?.code }).toEqual({
    who,
    method,
    path,
    status,
    code,
  });
  expect(await tableContent()).toEqual(before);
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= "WARN";
  stack = await startLocalStack({
    dynamodb: { endpoint: inject("dynamodbEndpoint") },
    tableName: `access-${randomBytes(4).toString("hex")}`,
    authSecret: SECRET,
    limits: RAISED_LIMITS,
  });
  dynamo = localDynamoClient(stack.dynamodbEndpoint);
  users.owner = await session("Olive Owner");
  users.member = await session("Mo Member");
  users.stranger = await session("Stan Stranger");
  for (const kind of ["public", "private"] as const) {
    const { status, json } = await call("POST", "/rooms", users.owner.token, {
      name: `${kind} room`,
      visibility: kind,
    });
    expect(status).toBe(201);
    rooms[kind] = json.room.roomId;
    const invite = await call("POST", `/rooms/${rooms[kind]}/invites`, users.owner.token);
    expect((await call("POST", `/invites/${invite.json.invite.code}`, users.member.token)).status).toBe(200);
  }
  Object.assign(tokens, {
    none: undefined,
    forged: await sign(
      { userId: users.owner.userId, name: "Olive" },
      { secret: randomBytes(32).toString("base64url") },
    ),
    algNone: `${b64({ alg: "none", typ: "JWT" })}.${b64({ sub: users.owner.userId, iss: ISSUER, aud: ISSUER, exp: 4e9 })}.`,
    expired: await sign(
      { userId: users.owner.userId, name: "Olive" },
      { issuedAt: new Date(Date.now() - (GUEST_TOKEN_TTL_SECONDS + 60) * 1000) },
    ),
    stranger: users.stranger.token,
    member: users.member.token,
    owner: users.owner.token,
  });
}, 120_000);

afterAll(async () => {
  dynamo?.destroy();
  await stack?.stop();
});

const badTokens: Who[] = ["none", "forged", "algNone", "expired"];

describe("HTTP routes without a valid token: 401 unauthorized, nothing read or written", () => {
  const routes: [string, (room: string) => string, unknown?][] = [
    ["POST", () => "/rooms", { name: "x" }],
    ["GET", () => "/rooms"],
    ["GET", () => "/me/rooms"],
    ["GET", (r) => `/rooms/${r}`],
    ["GET", (r) => `/rooms/${r}/messages`],
    ["GET", (r) => `/rooms/${r}/members`],
    ["POST", (r) => `/rooms/${r}/tickets`],
    ["POST", (r) => `/rooms/${r}/invites`],
    ["DELETE", (r) => `/rooms/${r}/invites`],
    ["POST", () => "/invites/AAAAAAAAAAAAAAAAAAAAAA"],
    ["DELETE", (r) => `/rooms/${r}/members/me`],
  ];
  for (const who of badTokens) {
    for (const kind of ["public", "private"] as const) {
      it(`${who} token, ${kind} room: every route`, async () => {
        for (const [method, path, body] of routes)
          await expectRefused(method, path(rooms[kind]), who, 401, "unauthorized", body);
      });
    }
  }
  it("POST /sessions with a bad token is 401, not a new guest", async () => {
    for (const who of ["forged", "algNone", "expired"] as const)
      await expectRefused("POST", "/sessions", who, 401, "unauthorized", { name: "x" });
  });
  it("a token in the query string is not a token", async () => {
    expect((await call("GET", `/me/rooms?token=${users.owner.token}`)).status).toBe(401);
  });
});

describe("room-scoped HTTP routes by role", () => {
  // [method, path, body, expected status for stranger (public, private), member, owner]
  it("reads: a private room does not exist for a stranger; everyone else may read", async () => {
    for (const path of ["", "/messages", "/members"]) {
      expect((await call("GET", `/rooms/${rooms.public}${path}`, tokens.stranger)).status).toBe(200);
      await expectRefused("GET", `/rooms/${rooms.private}${path}`, "stranger", 404, "not_found");
      for (const who of ["member", "owner"] as const) {
        for (const kind of ["public", "private"] as const)
          expect((await call("GET", `/rooms/${rooms[kind]}${path}`, tokens[who])).status).toBe(200);
      }
    }
    const roles = await Promise.all(
      (["stranger", "member", "owner"] as const).map(
        async (who) => (await call("GET", `/rooms/${rooms.public}`, tokens[who])).json.role,
      ),
    );
    expect(roles).toEqual([null, "member", "owner"]);
  });

  it("the private room's 404 says exactly what an unknown room's says", async () => {
    const unknown = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    const [hidden, missing] = await Promise.all([
      call("GET", `/rooms/${rooms.private}`, tokens.stranger),
      call("GET", `/rooms/${unknown}`, tokens.stranger),
    ]);
    expect(hidden.json.error.message.replace(rooms.private, "<id>")).toBe(
      missing.json.error.message.replace(unknown, "<id>"),
    );
  });

  it("lists: GET /rooms shows only the public room; GET /me/rooms shows a user's own rooms with their role", async () => {
    const listed = (await call("GET", "/rooms?limit=100", tokens.stranger)).json.rooms.map(
      (r: { roomId: string }) => r.roomId,
    );
    expect(listed).toContain(rooms.public);
    expect(listed).not.toContain(rooms.private);
    const mine = async (who: "stranger" | "member" | "owner") =>
      (await call("GET", "/me/rooms", tokens[who])).json.rooms
        .map((r: { roomId: string; role: string }) => [r.roomId, r.role])
        .sort();
    expect(await mine("stranger")).toEqual([]);
    expect(await mine("member")).toEqual(
      [
        [rooms.public, "member"],
        [rooms.private, "member"],
      ].sort(),
    );
    expect(await mine("owner")).toEqual(
      [
        [rooms.public, "owner"],
        [rooms.private, "owner"],
      ].sort(),
    );
  });

  it("tickets: a stranger gets one for the public room only; members and the owner for both", async () => {
    expect((await call("POST", `/rooms/${rooms.public}/tickets`, tokens.stranger)).status).toBe(201);
    await expectRefused("POST", `/rooms/${rooms.private}/tickets`, "stranger", 404, "not_found");
    for (const who of ["member", "owner"] as const) {
      for (const kind of ["public", "private"] as const)
        expect((await call("POST", `/rooms/${rooms[kind]}/tickets`, tokens[who])).status).toBe(201);
    }
  });

  it("invites: owner only (403 for a member or a stranger of a public room, 404 for a stranger of a private one)", async () => {
    for (const method of ["POST", "DELETE"]) {
      await expectRefused(method, `/rooms/${rooms.public}/invites`, "stranger", 403, "forbidden");
      await expectRefused(method, `/rooms/${rooms.private}/invites`, "stranger", 404, "not_found");
      for (const kind of ["public", "private"] as const)
        await expectRefused(method, `/rooms/${rooms[kind]}/invites`, "member", 403, "forbidden");
    }
    for (const kind of ["public", "private"] as const) {
      expect(
        (await call("POST", `/rooms/${rooms[kind]}/invites`, tokens.owner, { expiresInHours: 2 })).status,
      ).toBe(201);
      expect((await call("DELETE", `/rooms/${rooms[kind]}/invites`, tokens.owner)).status).toBe(204);
    }
  });

  it("accepting invites: unknown, revoked and malformed codes are 404; a valid one makes a stranger a member", async () => {
    await expectRefused("POST", "/invites/AAAAAAAAAAAAAAAAAAAAAA", "stranger", 404, "not_found");
    await expectRefused("POST", "/invites/not-a-code", "stranger", 404, "not_found");
    const old = (await call("POST", `/rooms/${rooms.private}/invites`, tokens.owner)).json.invite.code;
    expect((await call("DELETE", `/rooms/${rooms.private}/invites`, tokens.owner)).status).toBe(204);
    await expectRefused("POST", `/invites/${old}`, "stranger", 404, "not_found");
    const fresh = (await call("POST", `/rooms/${rooms.private}/invites`, tokens.owner)).json.invite.code;
    const newcomer = await session("Nina Newcomer");
    expect((await call("GET", `/rooms/${rooms.private}`, newcomer.token)).status).toBe(404);
    const accepted = await call("POST", `/invites/${fresh}`, newcomer.token);
    expect(accepted).toMatchObject({
      status: 200,
      json: { room: { roomId: rooms.private, visibility: "private" } },
    });
    expect((await call("GET", `/rooms/${rooms.private}`, newcomer.token)).json.role).toBe("member");
    for (const who of ["member", "owner"] as const)
      expect((await call("POST", `/invites/${fresh}`, tokens[who])).status).toBe(200);
  });

  it("removing members: owner only; a stranger of a private room gets 404; the owner cannot remove themselves", async () => {
    const victim = await session("Vic Victim");
    for (const kind of ["public", "private"] as const) {
      const code = (await call("POST", `/rooms/${rooms[kind]}/invites`, tokens.owner)).json.invite.code;
      expect((await call("POST", `/invites/${code}`, victim.token)).status).toBe(200);
    }
    await expectRefused(
      "DELETE",
      `/rooms/${rooms.public}/members/${victim.userId}`,
      "stranger",
      403,
      "forbidden",
    );
    await expectRefused(
      "DELETE",
      `/rooms/${rooms.private}/members/${victim.userId}`,
      "stranger",
      404,
      "not_found",
    );
    await expectRefused("DELETE", `/rooms/${rooms.private}/members/me`, "stranger", 404, "not_found");
    for (const kind of ["public", "private"] as const) {
      await expectRefused(
        "DELETE",
        `/rooms/${rooms[kind]}/members/${victim.userId}`,
        "member",
        403,
        "forbidden",
      );
      await expectRefused(
        "DELETE",
        `/rooms/${rooms[kind]}/members/${users.owner.userId}`,
        "owner",
        409,
        "conflict",
      );
      await expectRefused("DELETE", `/rooms/${rooms[kind]}/members/me`, "owner", 409, "conflict");
      expect(
        (await call("DELETE", `/rooms/${rooms[kind]}/members/${victim.userId}`, tokens.owner)).status,
      ).toBe(204);
      // Removed: tickets refused with 403 (they know the room), reads of the private room 404.
      await expectRefused("POST", `/rooms/${rooms[kind]}/tickets`, "none", 401, "unauthorized");
      expect((await call("POST", `/rooms/${rooms[kind]}/tickets`, victim.token)).json.error.code).toBe(
        "forbidden",
      );
    }
    expect((await call("GET", `/rooms/${rooms.private}`, victim.token)).status).toBe(404);
  });

  it("leaving with `me` ends a membership without a ban", async () => {
    const leaver = await session("Lee Leaver");
    const code = (await call("POST", `/rooms/${rooms.private}/invites`, tokens.owner)).json.invite.code;
    expect((await call("POST", `/invites/${code}`, leaver.token)).status).toBe(200);
    expect((await call("DELETE", `/rooms/${rooms.private}/members/me`, leaver.token)).status).toBe(204);
    expect((await call("GET", `/rooms/${rooms.private}`, leaver.token)).status).toBe(404);
    expect((await call("POST", `/invites/${code}`, leaver.token)).status).toBe(200);
  });
});

// ---- WebSocket: identity comes only from the ticket, so the handshake is where every role is decided.

type Frame = { type: string; [key: string]: unknown };

function open(url: string): Promise<{ ws: WebSocket; frames: Frame[] } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const frames: Frame[] = [];
    ws.on("message", (data) => frames.push(JSON.parse(data.toString())));
    ws.once("open", () => resolve({ ws, frames }));
    ws.once("unexpected-response", (_request, response) => resolve({ refused: response.statusCode ?? 0 }));
    ws.once("error", (error) => reject(error));
  });
}

async function nextFrame(frames: Frame[], type: string, timeoutMs = 15_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const index = frames.findIndex((f) => f.type === type);
    if (index >= 0) return frames.splice(index, 1)[0] as Frame;
    if (Date.now() > deadline) throw new Error(`no ${type} frame; got ${JSON.stringify(frames)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function ticket(who: "stranger" | "member" | "owner", kind: Kind) {
  const reply = await call("POST", `/rooms/${rooms[kind]}/tickets`, tokens[who]);
  return reply.status === 201 ? (reply.json.ticket as string) : null;
}

describe("WebSocket connect and every frame, by role", () => {
  it("no ticket, an unknown ticket and a forged ticket are refused 401 with nothing written", async () => {
    const before = await tableContent();
    for (const query of [
      "",
      "?ticket=",
      `?ticket=${"A".repeat(43)}`,
      "?ticket=%00%ff",
      `?roomId=${rooms.public}&name=olive`,
    ]) {
      expect(await open(`${stack.wsUrl}/${query}`)).toEqual({ refused: 401 });
    }
    expect(await tableContent()).toEqual(before);
  });

  it("a stranger cannot even get a ticket for the private room", async () => {
    expect(await ticket("stranger", "private")).toBeNull();
  });

  it("a ticket is single use, expires with its 60 s, and cannot be aimed at another room", async () => {
    const t = (await ticket("member", "public")) as string;
    const first = await open(`${stack.wsUrl}?ticket=${t}&roomId=${rooms.private}`);
    expect(first).toEqual({ refused: 401 });
    // Consumed by that refused attempt: a second use fails too (no second chance for a guessed room).
    expect(await open(`${stack.wsUrl}?ticket=${t}`)).toEqual({ refused: 401 });
    const good = (await ticket("member", "public")) as string;
    const opened = await open(`${stack.wsUrl}?ticket=${good}`);
    expect("ws" in opened).toBe(true);
    if ("ws" in opened) opened.ws.close();
    expect(await open(`${stack.wsUrl}?ticket=${good}`)).toEqual({ refused: 401 });
  });

  for (const kind of ["public", "private"] as const) {
    for (const who of ["stranger", "member", "owner"] as const) {
      if (who === "stranger" && kind === "private") continue; // no ticket, covered above
      it(`${who} in the ${kind} room: every frame works, as that user`, async () => {
        const t = (await ticket(who, kind)) as string;
        const opened = await open(`${stack.wsUrl}?ticket=${t}`);
        if (!("ws" in opened)) throw new Error(`refused ${opened.refused}`);
        const { ws, frames: inbox } = opened;
        const send = (frame: object) => ws.send(JSON.stringify(frame));

        send({ action: "sendMessage", text: "hello", clientMessageId: `${who}-${kind}` });
        expect(((await nextFrame(inbox, "message")).message as { authorId: string }).authorId).toBe(
          users[who].userId,
        );
        send({ action: "addTodo", title: "milk" });
        const todo = (await nextFrame(inbox, "todo")).todo as { todoId: string; version: number };
        send({ action: "updateTodo", todoId: todo.todoId, version: todo.version, done: true });
        expect((await nextFrame(inbox, "todo")).todo).toMatchObject({
          todoId: todo.todoId,
          done: true,
          version: 2,
        });
        send({ action: "deleteTodo", todoId: todo.todoId, version: 2 });
        expect(await nextFrame(inbox, "todoDeleted")).toMatchObject({ todoId: todo.todoId });
        send({ action: "ping" });
        await nextFrame(inbox, "pong");
        send({ action: "nonsense" });
        expect(await nextFrame(inbox, "error")).toMatchObject({ code: "bad_request" });
        send({ action: "sync" });
        const snapshot = await nextFrame(inbox, "snapshot");
        const me = (snapshot.members as { userId: string }[]).filter((m) => m.userId === users[who].userId);
        expect(me).toHaveLength(1);
        ws.close();
      });
    }
  }

  it("connecting to a public room makes a signed-in stranger its member", async () => {
    const walkIn = await session("Wally Walkin");
    const isMember = async () =>
      (await call("GET", `/rooms/${rooms.public}/members?limit=100`, tokens.owner)).json.members.some(
        (m: { userId: string }) => m.userId === walkIn.userId,
      );
    const t = (await call("POST", `/rooms/${rooms.public}/tickets`, walkIn.token)).json.ticket;
    expect(await isMember()).toBe(false);
    const opened = await open(`${stack.wsUrl}?ticket=${t}`);
    if (!("ws" in opened)) throw new Error(`refused ${opened.refused}`);
    expect(await isMember()).toBe(true);
    expect((await call("GET", `/rooms/${rooms.public}`, walkIn.token)).json.role).toBe("member");
    opened.ws.close();
  });

  it("a removed member's open socket gets `removed` and is closed within a second; their next ticket is refused", async () => {
    const victim = await session("Rita Removed");
    const code = (await call("POST", `/rooms/${rooms.private}/invites`, tokens.owner)).json.invite.code;
    await call("POST", `/invites/${code}`, victim.token);
    const t = (await call("POST", `/rooms/${rooms.private}/tickets`, victim.token)).json.ticket;
    const opened = await open(`${stack.wsUrl}?ticket=${t}`);
    if (!("ws" in opened)) throw new Error("refused");
    const closed = new Promise<number>((resolve) => opened.ws.once("close", (code) => resolve(code)));
    const startedAt = Date.now();
    expect(
      (await call("DELETE", `/rooms/${rooms.private}/members/${victim.userId}`, tokens.owner)).status,
    ).toBe(204);
    expect(await nextFrame(opened.frames, "removed")).toEqual({ type: "removed", roomId: rooms.private });
    await closed;
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    const again = await call("POST", `/rooms/${rooms.private}/tickets`, victim.token);
    expect(again.status).toBe(403);
  });

  it("a ticket issued before the removal no longer opens the room", async () => {
    const victim = await session("Tom Tooearly");
    const code = (await call("POST", `/rooms/${rooms.private}/invites`, tokens.owner)).json.invite.code;
    await call("POST", `/invites/${code}`, victim.token);
    const early = (await call("POST", `/rooms/${rooms.private}/tickets`, victim.token)).json.ticket;
    expect(
      (await call("DELETE", `/rooms/${rooms.private}/members/${victim.userId}`, tokens.owner)).status,
    ).toBe(204);
    expect(await open(`${stack.wsUrl}?ticket=${early}`)).toEqual({ refused: 403 });
  });
});
