import { defaultLimits } from "@rooms/core/limits";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";
import { connectUrl, ticketFor } from "../../../../test/support/room-session";
import { expectRefused } from "../../../../test/support/ws-client";
import type { LocalStack } from "../../src/local-stack";
import { joinRoom, type RoomClient, signIn, startE2eStack } from "../support/e2e-stack";

/**
 * The live-socket cap per (user, room) through the local gateway, at its default (the rate limits raised, so only
 * the cap can refuse), with real WebSocket clients.
 */
const CAP = defaultLimits.connectionsPerUserInRoom;
let stack: LocalStack;
const open: RoomClient[] = [];
beforeAll(async () => {
  stack = await startE2eStack({ limits: { ...RAISED_LIMITS, connectionsPerUserInRoom: CAP } });
});
afterAll(async () => {
  for (const client of open) await client.close().catch(() => undefined);
  await stack?.stop();
});

describe("live connections per user in a room", () => {
  it("refuses the user's socket past the cap (ticket 409, handshake 403, limit_reached); others are unaffected; closing one frees a slot", async () => {
    const ann = await signIn(stack, "Ann");
    const annHttp = httpClient(stack.httpUrl, ann);
    const { roomId } = await annHttp.createRoom("many tabs");
    open.push(...(await Promise.all(Array.from({ length: CAP - 1 }, () => joinRoom(stack, roomId, ann)))));
    // Taken while a slot was free, used once the cap is reached: $connect counts again.
    const earlyTicket = await ticketFor(stack.httpUrl, ann, roomId);
    const last = await joinRoom(stack, roomId, ann);
    open.push(last);

    const refusedTicket = await annHttp.post(`/rooms/${roomId}/tickets`);
    expect(refusedTicket.status).toBe(409);
    expect(refusedTicket.json.error).toMatchObject({ code: "limit_reached" });
    expect(refusedTicket.json.error.message).toMatch(new RegExp(`${CAP} connections`));
    const refusedHandshake = await expectRefused(connectUrl(stack.wsUrl, earlyTicket));
    expect(refusedHandshake.status).toBe(403);
    expect(JSON.parse(refusedHandshake.body).error.code).toBe("limit_reached");

    // Another user gets in and is heard by all of Ann's sockets.
    const bea = await joinRoom(stack, roomId, "Bea");
    open.push(bea);
    bea.send({ action: "sendMessage", text: "hi all", clientMessageId: "bea-1" });
    for (const client of open.slice(0, CAP))
      await client.waitFor((frame) => frame.type === "message" && frame.message.text === "hi all");

    // Closing one of Ann's sockets frees its slot once $disconnect has run.
    await last.close();
    open.splice(open.indexOf(last), 1);
    await expect
      .poll(async () => (await annHttp.post(`/rooms/${roomId}/tickets`)).status, { interval: 250 })
      .toBe(201);
    const again = await joinRoom(stack, roomId, ann);
    open.push(again);
    again.send({ action: "ping" });
    await again.waitFor((frame) => frame.type === "pong");
  }, 120_000);
});
