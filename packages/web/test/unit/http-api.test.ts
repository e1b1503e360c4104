import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../src/network/api-error";
import {
  acceptInvite,
  createInvite,
  createRoom,
  createTicket,
  getRoom,
  leaveRoom,
  listMembers,
  listMessages,
  listMyRooms,
  listRooms,
  onUnauthorized,
  removeMember,
  renameSession,
  revokeInvites,
  setBearerToken,
  startGuestSession,
} from "../../src/network/http-api";

const reply = (status: number, body?: unknown) =>
  body === undefined
    ? new Response(null, { status })
    : new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

type FetchMock = ReturnType<typeof vi.fn<(url: string, init?: RequestInit) => Promise<Response>>>;
const headersOf = (fetch: FetchMock, call: number) =>
  (fetch.mock.calls[call]?.[1]?.headers ?? {}) as Record<string, string>;

describe("HTTP API client", () => {
  beforeEach(() => setBearerToken(null));
  afterEach(() => {
    vi.unstubAllGlobals();
    setBearerToken(null);
  });

  it("builds the documented URLs and bodies", async () => {
    const fetch: FetchMock = vi.fn(async () =>
      reply(200, { rooms: [], cursor: null, messages: [], members: [], room: {}, invite: {}, ticket: "t" }),
    );
    vi.stubGlobal("fetch", fetch);
    await listRooms({ limit: 20, cursor: "ABC" });
    await listMessages({ roomId: "R1", before: 9 });
    await createRoom({ name: "Trip" });
    await createRoom({ name: "Secret", visibility: "private" });
    await listMyRooms({ limit: 20 });
    await getRoom({ roomId: "R1" });
    await listMembers({ roomId: "R1", limit: 100, cursor: "C" });
    await createTicket({ roomId: "R1" });
    await createInvite({ roomId: "R1" });
    await acceptInvite({ code: "abc_DEF-1" });
    expect(fetch.mock.calls.map(([url, init]) => `${init?.method ?? "GET"} ${url}`)).toEqual([
      "GET http://127.0.0.1:3000/rooms?limit=20&cursor=ABC",
      "GET http://127.0.0.1:3000/rooms/R1/messages?before=9",
      "POST http://127.0.0.1:3000/rooms",
      "POST http://127.0.0.1:3000/rooms",
      "GET http://127.0.0.1:3000/me/rooms?limit=20",
      "GET http://127.0.0.1:3000/rooms/R1",
      "GET http://127.0.0.1:3000/rooms/R1/members?limit=100&cursor=C",
      "POST http://127.0.0.1:3000/rooms/R1/tickets",
      "POST http://127.0.0.1:3000/rooms/R1/invites",
      "POST http://127.0.0.1:3000/invites/abc_DEF-1",
    ]);
    expect(fetch.mock.calls[2]?.[1]).toMatchObject({
      body: '{"name":"Trip"}',
      headers: { "content-type": "application/json" },
    });
    expect(fetch.mock.calls[3]?.[1]).toMatchObject({ body: '{"name":"Secret","visibility":"private"}' });
    // POST routes without input send no body.
    expect(fetch.mock.calls[7]?.[1]?.body).toBeUndefined();
  });

  it("sends the bearer token on every call but a new guest's POST /sessions, and a rename uses it", async () => {
    const fetch: FetchMock = vi.fn(async () =>
      reply(201, {
        token: "t2",
        user: { userId: "u1", name: "Ana" },
        expiresAt: "2099-01-01T00:00:00.000Z",
        rooms: [],
        cursor: null,
      }),
    );
    vi.stubGlobal("fetch", fetch);
    await startGuestSession({ name: "Ana" });
    setBearerToken("t1");
    await listRooms();
    await renameSession({ name: "Ana B" });
    await startGuestSession({ name: "Someone new" });
    expect(headersOf(fetch, 0).authorization).toBeUndefined();
    expect(headersOf(fetch, 1).authorization).toBe("Bearer t1");
    expect(headersOf(fetch, 2).authorization).toBe("Bearer t1");
    expect(fetch.mock.calls[2]?.[1]).toMatchObject({ method: "POST", body: '{"name":"Ana B"}' });
    expect(headersOf(fetch, 3).authorization).toBeUndefined();
    // The token never goes into a URL.
    expect(fetch.mock.calls.every(([url]) => !url.includes("t1"))).toBe(true);
  });

  it("answers 204 routes with nothing, and encodes ids in paths", async () => {
    const fetch: FetchMock = vi.fn(async () => reply(204));
    vi.stubGlobal("fetch", fetch);
    setBearerToken("t1");
    await expect(removeMember({ roomId: "R1", userId: "oidc|a/b" })).resolves.toBeUndefined();
    await expect(leaveRoom({ roomId: "R1" })).resolves.toBeUndefined();
    await expect(revokeInvites({ roomId: "R1" })).resolves.toBeUndefined();
    expect(fetch.mock.calls.map(([url, init]) => `${init?.method} ${url}`)).toEqual([
      "DELETE http://127.0.0.1:3000/rooms/R1/members/oidc%7Ca%2Fb",
      "DELETE http://127.0.0.1:3000/rooms/R1/members/me",
      "DELETE http://127.0.0.1:3000/rooms/R1/invites",
    ]);
  });

  it("tells the session which token a 401 refused, and only when a token was sent", async () => {
    vi.stubGlobal("fetch", async () =>
      reply(401, { error: { code: "unauthorized", message: "Token expired" } }),
    );
    const refused: string[] = [];
    const stop = onUnauthorized((token) => refused.push(token));
    try {
      await expect(startGuestSession({ name: "Ana" })).rejects.toMatchObject({
        code: "unauthorized",
        status: 401,
      });
      setBearerToken("old");
      await expect(listMyRooms()).rejects.toMatchObject({ code: "unauthorized" });
      expect(refused).toEqual(["old"]);
    } finally {
      stop();
    }
  });

  it("turns error bodies into ApiError with the server's code, issues and retryAfterMs", async () => {
    vi.stubGlobal("fetch", async () =>
      reply(404, { error: { code: "not_found", message: "Room X does not exist" } }),
    );
    const error = await listMessages({ roomId: "X" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "not_found", status: 404 });

    vi.stubGlobal("fetch", async () =>
      reply(429, { error: { code: "rate_limited", message: "Slow down", retryAfterMs: 1500 } }),
    );
    await expect(createTicket({ roomId: "R1" })).rejects.toMatchObject({
      code: "rate_limited",
      status: 429,
      retryAfterMs: 1500,
    });

    vi.stubGlobal("fetch", async () =>
      reply(400, {
        error: {
          code: "bad_request",
          message: "Invalid",
          issues: [{ path: ["name"], message: "must contain a visible character" }],
        },
      }),
    );
    await expect(startGuestSession({ name: "\u200b" })).rejects.toMatchObject({
      issues: [{ path: ["name"], message: "must contain a visible character" }],
    });
  });

  it("turns an unreachable server into code `network`", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(listRooms()).rejects.toMatchObject({ code: "network", status: 0 });
  });
});
