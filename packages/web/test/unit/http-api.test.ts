import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, describeProblem } from "../../src/network/api-error";
import { createRoom, listMessages, listRooms } from "../../src/network/http-api";

const reply = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

describe("HTTP API client", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("builds the documented URLs and bodies", async () => {
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) => reply(200, { rooms: [], cursor: null, messages: [], room: {} }));
    vi.stubGlobal("fetch", fetch);
    await listRooms({ limit: 20, cursor: "ABC" });
    await listMessages({ roomId: "R1", before: "M9" });
    await createRoom({ name: "Trip" });
    expect(fetch.mock.calls.map(([url]) => url)).toEqual([
      "http://127.0.0.1:3000/rooms?limit=20&cursor=ABC",
      "http://127.0.0.1:3000/rooms/R1/messages?before=M9",
      "http://127.0.0.1:3000/rooms",
    ]);
    expect(fetch.mock.calls[2]?.[1]).toMatchObject({ method: "POST", body: '{"name":"Trip"}', headers: { "content-type": "application/json" } });
  });

  it("turns error bodies into ApiError with the server's code", async () => {
    vi.stubGlobal("fetch", async () => reply(404, { error: { code: "not_found", message: "Room X does not exist" } }));
    const error = await listMessages({ roomId: "X" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: "not_found", status: 404 });
  });

  it("turns an unreachable server into code `network`", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(listRooms()).rejects.toMatchObject({ code: "network", status: 0 });
  });

  it("describes problems in words, never leaking internals at 500", () => {
    expect(describeProblem({ code: "internal", message: "DynamoDB exploded at line 3" })).not.toContain("DynamoDB");
    expect(describeProblem({ code: "network" })).toMatch(/reach the server/);
    expect(describeProblem({ code: "bad_request", message: "x", issues: [{ path: ["name"], message: "is too long" }] })).toBe(
      "That wasn't accepted: name is too long.",
    );
  });
});
