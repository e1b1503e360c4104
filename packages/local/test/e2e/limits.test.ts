import { request } from "node:http";
import { defaultLimits } from "@rooms/core/limits";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { connectUrl, createInvite, ticketFor } from "../../../../test/support/room-session";
import { expectRefused } from "../../../../test/support/ws-client";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  joinRoom,
  type RoomClient,
  type ServerFrame,
  type Session,
  signIn,
  startE2eStack,
} from "../support/e2e-stack";

/**
 * The contract's limits through the local gateway, at their defaults (the stack raises none of the rate limits)
 * except the member cap, lowered to 3 so a full room takes three people.
 */
const MEMBERS_PER_ROOM = 3;
let stack: LocalStack;
beforeAll(async () => {
  stack = await startE2eStack({ limits: { ...defaultLimits, membersPerRoom: MEMBERS_PER_ROOM } });
});
afterAll(() => stack?.stop());

/** POST as if from `sourceIp` (any 127/8 address reaches the gateway, which takes the TCP peer as sourceIp). */
function postFrom(sourceIp: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; json: any }>((resolve, reject) => {
    const url = new URL(path, stack.httpUrl);
    const req = request(
      url,
      { method: "POST", localAddress: sourceIp, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }),
        );
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/**
 * A 429 `rate_limited` whose `retryAfterMs` is positive and within the limit's window (with calls racing, an
 * instance may be told to wait a little longer than one interval: its own clock reading is a few ms older).
 */
const isRateLimited = (reply: { status: number; json: any }, windowMs: number) =>
  reply.status === 429 &&
  reply.json.error.code === "rate_limited" &&
  reply.json.error.retryAfterMs > 0 &&
  reply.json.error.retryAfterMs <= windowMs;

/**
 * `calls` calls: the first alone, the rest at once. Each call is counted at the time its handler read the clock,
 * and on a busy machine calls racing at once reach DynamoDB in another order than that: one stamped before the
 * call that made the bucket finds one token fewer than a full burst, and is refused for the few ms between the
 * two (19 of 20 sessions were seen). After a first call on its own, every other one is stamped after it.
 */
async function burst<T>(calls: number, call: (i: number) => Promise<T>): Promise<T[]> {
  const first = await call(0);
  return [first, ...(await Promise.all(Array.from({ length: calls - 1 }, (_, i) => call(i + 1))))];
}

describe("rate limits over HTTP (every call counts, a refusal says when to come back)", () => {
  it("POST /sessions: sessionsPerMinute per source IP; another address has its own bucket", async () => {
    const calls = defaultLimits.sessionsPerMinute + 5;
    const replies = await burst(calls, (i) => postFrom("127.0.0.2", "/sessions", { name: `guest ${i}` }));
    const created = replies.filter((reply) => reply.status === 201).length;
    const refused = replies.filter((reply) => isRateLimited(reply, 60_000));
    console.log(
      `POST /sessions from one address: ${created} created, ${refused.length} refused rate_limited`,
    );
    // One token comes back every 3 s: a slow machine may see a few more while the calls are served.
    expect(created).toBeGreaterThanOrEqual(defaultLimits.sessionsPerMinute);
    expect(created).toBeLessThan(calls);
    expect(created + refused.length).toBe(calls);
    expect(refused[0]?.headers["retry-after"]).toMatch(/^[1-9][0-9]?$/);
    expect((await postFrom("127.0.0.3", "/sessions", { name: "elsewhere" })).status).toBe(201);
  });

  it("POST /sessions: malformed calls count too (refused for their rate before their body is read)", async () => {
    for (let i = 0; i < defaultLimits.sessionsPerMinute; i++)
      expect((await postFrom("127.0.0.4", "/sessions", { name: "" })).status).toBe(400);
    const good = await Promise.all(
      Array.from({ length: 5 }, () => postFrom("127.0.0.4", "/sessions", { name: "good" })),
    );
    // Without the malformed ones counting, all five would be 201; a token comes back every 3 s.
    expect(good.filter((reply) => isRateLimited(reply, 60_000)).length).toBeGreaterThan(0);
    expect(good.every((reply) => reply.status === 201 || reply.status === 429)).toBe(true);
    expect(isRateLimited(await postFrom("127.0.0.4", "/sessions", { name: "" }), 60_000)).toBe(true);
  });

  it("POST /rooms: roomsPerMinute per user; another user has their own bucket", async () => {
    const [ann, bob] = [await signIn(stack, "Ann"), await signIn(stack, "Bob")];
    const api = httpClient(stack.httpUrl, ann);
    const calls = defaultLimits.roomsPerMinute + 5;
    const replies = await burst(calls, (i) => api.post("/rooms", { name: `r${i}` }));
    const created = replies.filter((reply) => reply.status === 201).length;
    expect(created).toBeGreaterThanOrEqual(defaultLimits.roomsPerMinute);
    expect(created).toBeLessThan(calls);
    expect(replies.filter((reply) => isRateLimited(reply, 60_000))).toHaveLength(calls - created);
    expect((await httpClient(stack.httpUrl, bob).post("/rooms", { name: "bob's" })).status).toBe(201);
  });

  // Up to 60 s: the 100 calls need only be served within the 40 s their 40 extra calls leave (a ticket comes back
  // every second), which a busy machine can take longer than the project's 30 s default to do.
  it("POST /rooms/{roomId}/tickets: ticketsPerMinute per user", { timeout: 60_000 }, async () => {
    const cy = await signIn(stack, "Cy");
    const api = httpClient(stack.httpUrl, cy);
    const room = await api.createRoom("tickets");
    // One ticket comes back every second: enough extra calls that a slow machine still meets the limit.
    const calls = defaultLimits.ticketsPerMinute + 40;
    const replies = await burst(calls, () => api.post(`/rooms/${room.roomId}/tickets`));
    const issued = replies.filter((reply) => reply.status === 201).length;
    const refused = replies.filter((reply) => isRateLimited(reply, 60_000)).length;
    expect(issued).toBeGreaterThanOrEqual(defaultLimits.ticketsPerMinute);
    expect(issued).toBeLessThan(calls);
    expect(issued + refused).toBe(calls);
  });
});

describe("the frame rate limit (per connection: 10/s sustained, burst 30, every frame counts)", () => {
  let room: string;
  let flooder: RoomClient;
  let neighbour: RoomClient;
  beforeAll(async () => {
    const owner = await signIn(stack, "Flo");
    room = (await httpClient(stack.httpUrl, owner).createRoom("flood")).roomId;
    flooder = await joinRoom(stack, room, owner);
    neighbour = await joinRoom(stack, room, "Neighbour");
  });
  afterAll(async () => {
    await flooder?.close();
    await neighbour?.close();
  });

  // Up to 60 s: the test waits up to 20 s for the neighbour's echo, then up to 30 s for the flood's answers.
  it("refuses a flood from one connection with rate_limited while another client in the room is served", {
    timeout: 60_000,
  }, async () => {
    const frames = 80;
    // The first alone, the rest at once (see `burst` above: a frame is counted at its handler's clock reading).
    flooder.send({ action: "ping" });
    await flooder.waitFor((frame: any) => frame.type === "pong" || frame.code === "rate_limited");
    for (let i = 1; i < frames; i++) flooder.send({ action: "ping" });
    const sent = clientId("calm");
    neighbour.send({ action: "sendMessage", text: "still here", clientMessageId: sent });
    const echo = await neighbour.nextOfType<Extract<ServerFrame, { type: "message" }>>(
      "message",
      (frame) => frame.message.clientMessageId === sent,
      20_000,
    );
    expect(echo.message.text).toBe("still here");
    const answered = (frame: any) => frame.type === "pong" || frame.code === "rate_limited";
    const deadline = Date.now() + 30_000;
    while (flooder.all(answered).length < frames && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const pongs = flooder.all((frame: any) => frame.type === "pong").length;
    const refusals = flooder.all<any>((frame: any) => frame.code === "rate_limited");
    console.log(
      `flood of ${frames} pings: ${pongs} answered, ${refusals.length} refused rate_limited; neighbour served`,
    );
    expect(pongs + refusals.length).toBe(frames);
    expect(pongs).toBeGreaterThanOrEqual(defaultLimits.frameBurst);
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ type: "error", code: "rate_limited", action: "ping" });
      expect(refusal.retryAfterMs).toBeGreaterThan(0);
      expect(refusal.retryAfterMs).toBeLessThanOrEqual(1_000);
    }
  });

  it("counts malformed and unknown frames too: past the burst they are refused rate_limited", {
    timeout: 60_000,
  }, async () => {
    const junk = await joinRoom(stack, room, "Junk");
    // As many as the flood above: past the burst of 30, the bucket gets 10 back a second, so all 80 would be
    // served only if handling them took over 5 s (50 left a busy machine 2 s).
    const frames = 80;
    try {
      const send = (i: number) => junk.send(i % 2 ? "not json" : { action: "noSuchAction" });
      send(0);
      await junk.waitFor((frame: any) => frame.type === "error");
      for (let i = 1; i < frames; i++) send(i);
      const deadline = Date.now() + 30_000;
      while (junk.all((frame: any) => frame.type === "error").length < frames && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const errors = junk.all<any>((frame: any) => frame.type === "error");
      expect(errors).toHaveLength(frames);
      const limited = errors.filter((frame) => frame.code === "rate_limited").length;
      expect(errors.filter((frame) => frame.code === "bad_request").length).toBeGreaterThanOrEqual(
        defaultLimits.frameBurst,
      );
      expect(limited).toBeGreaterThan(0);
    } finally {
      await junk.close();
    }
  });
});

describe("members per room cap", () => {
  it("refuses a newcomer's handshake into a full room with 403 limit_reached; members always get back in", async () => {
    const owner = await signIn(stack, "Owner");
    const { roomId } = await httpClient(stack.httpUrl, owner).createRoom("full");
    const members: RoomClient[] = [];
    for (let i = 1; i < MEMBERS_PER_ROOM - 1; i++) members.push(await joinRoom(stack, roomId, `Member ${i}`));
    // A ticket issued while there was room: the room fills before it is used.
    const late = await signIn(stack, "Late");
    const lateTicket = await ticketFor(stack.httpUrl, late, roomId);
    members.push(await joinRoom(stack, roomId, `Member ${MEMBERS_PER_ROOM - 1}`));
    const refused = await expectRefused(connectUrl(stack.wsUrl, lateTicket));
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error.code).toBe("limit_reached");
    // An existing member reconnects, the owner too.
    const again = await joinRoom(stack, roomId, members[0]!.session);
    const ownerSocket = await joinRoom(stack, roomId, owner);
    // Someone leaving makes room.
    expect(
      (await httpClient(stack.httpUrl, members[1]!.session).delete(`/rooms/${roomId}/members/me`)).status,
    ).toBe(204);
    const admitted = await joinRoom(stack, roomId, late);
    for (const client of [...members, again, ownerSocket, admitted]) await client.close();
  });

  it("POST /rooms/{roomId}/tickets for a newcomer to a full room is 409 limit_reached; members still get tickets", async () => {
    const owner = await signIn(stack, "Ticket owner");
    const { roomId } = await httpClient(stack.httpUrl, owner).createRoom("full for tickets");
    const members: RoomClient[] = [];
    for (let i = 1; i < MEMBERS_PER_ROOM; i++) members.push(await joinRoom(stack, roomId, `Seated ${i}`));
    const newcomer = httpClient(stack.httpUrl, await signIn(stack, "Newcomer"));
    const refused = await newcomer.post(`/rooms/${roomId}/tickets`);
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe("limit_reached");
    expect(refused.json.ticket).toBeUndefined();
    for (const session of [owner, members[0]!.session]) {
      const reply = await httpClient(stack.httpUrl, session).post(`/rooms/${roomId}/tickets`);
      expect(reply.status).toBe(201);
      expect(typeof reply.json.ticket).toBe("string");
    }
    // Once a member leaves, the newcomer gets a ticket and gets in with it.
    expect(
      (await httpClient(stack.httpUrl, members[1]!.session).delete(`/rooms/${roomId}/members/me`)).status,
    ).toBe(204);
    expect((await newcomer.post(`/rooms/${roomId}/tickets`)).status).toBe(201);
    for (const client of members) await client.close();
  });

  it("POST /invites/{code} into a full private room is 409 limit_reached", async () => {
    const owner: Session = await signIn(stack, "Private owner");
    const { roomId } = await httpClient(stack.httpUrl, owner).createRoom("full private", "private");
    const code = await createInvite(stack.httpUrl, owner, roomId);
    for (let i = 1; i < MEMBERS_PER_ROOM; i++)
      expect(
        (await httpClient(stack.httpUrl, await signIn(stack, `Invitee ${i}`)).post(`/invites/${code}`))
          .status,
      ).toBe(200);
    const reply = await httpClient(stack.httpUrl, await signIn(stack, "One too many")).post(
      `/invites/${code}`,
    );
    expect(reply.status).toBe(409);
    expect(reply.json.error.code).toBe("limit_reached");
  });
});
