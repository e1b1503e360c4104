import type { Db } from "@rooms/core/db";
import { Membership } from "@rooms/core/membership";
import { Room } from "@rooms/core/room";
import { Ticket } from "@rooms/core/ticket";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { wsAuthorizerEvent, wsConnectEvent } from "../support/events";
import {
  captureLogs,
  type HandlerEnv,
  type Invoke,
  loadHandler,
  startHandlerEnv,
} from "../support/handler-env";

let env: HandlerEnv;
let db: Db;
let authorize: Invoke;
let connect: Invoke;
let logs: Record<string, any>[];

beforeAll(async () => {
  env = await startHandlerEnv();
  db = env.db;
  logs = await captureLogs();
  authorize = await loadHandler("ws/authorize");
  connect = await loadHandler("ws/connect");
});
afterAll(() => env.close());
beforeEach(() => {
  logs.length = 0;
});

const methodArn = "arn:aws:execute-api:eu-west-1:123456789012:w5x6y7z8a9/production/$connect";

async function ticketFor(name: string, visibility: "public" | "private" = "public") {
  const { user } = await env.signIn(name);
  const room = await Room.create(db, { input: { name: `${name}'s room`, visibility }, caller: user });
  const { ticket } = await Ticket.issue(db, { input: { roomId: room.roomId }, caller: user });
  return { user, room, ticket };
}

/** What API Gateway needs to answer 401: a rejection whose message is exactly "Unauthorized". */
async function expectRefused(event: unknown) {
  const error = await authorize(event).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toBe("Unauthorized");
}

describe("the $connect ticket authorizer", () => {
  it("allows the handshake for a valid ticket, with the ticket's user, name and room as context", async () => {
    const { user, room, ticket } = await ticketFor("Ann");
    const result = await authorize(wsAuthorizerEvent("conn-ok=", { ticket }));
    expect(result).toEqual({
      principalId: user.userId,
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: methodArn }],
      },
      // Ann owns the room: her ticket says so (`$connect` then stores her socket in one transaction).
      context: { userId: user.userId, name: "Ann", roomId: room.roomId, standing: "member" },
    });
    // API Gateway only passes flat string/number/boolean context values on.
    for (const value of Object.values(result.context)) expect(typeof value).toBe("string");
  });

  it("its context is what $connect needs: ticket → authorizer → $connect joins the room", async () => {
    const { user, room, ticket } = await ticketFor("Bea");
    const { context } = await authorize(wsAuthorizerEvent("conn-chain=", { ticket }));
    expect(await connect(wsConnectEvent("conn-chain=", context))).toEqual({ statusCode: 200 });
    expect(await Membership.get(db, { roomId: room.roomId, userId: user.userId })).toMatchObject({
      role: "owner",
    });
  });

  it("the ticket works once: a replay is refused with exactly Unauthorized", async () => {
    const { ticket } = await ticketFor("Cy");
    await authorize(wsAuthorizerEvent("conn-first=", { ticket }));
    await expectRefused(wsAuthorizerEvent("conn-replay=", { ticket }));
  });

  it("refuses an unknown ticket", async () => {
    await expectRefused(wsAuthorizerEvent("conn-unknown=", { ticket: "A".repeat(43) }));
  });

  it("refuses a missing ticket, an empty query and no query string at all", async () => {
    await expectRefused(wsAuthorizerEvent("conn-none=", null));
    await expectRefused(wsAuthorizerEvent("conn-empty=", {}));
    await expectRefused(wsAuthorizerEvent("conn-blank=", { ticket: "" }));
    await expectRefused(
      wsAuthorizerEvent("conn-other=", { roomId: "01JP3Q8Z5K7V2M4N6R8T0W2Y4A", name: "Ann" }),
    );
  });

  it("refuses a malformed ticket", async () => {
    await expectRefused(wsAuthorizerEvent("conn-bad=", { ticket: "../../etc/passwd" }));
    await expectRefused(wsAuthorizerEvent("conn-long=", { ticket: "A".repeat(200) }));
  });

  it("refuses a ticket presented for another room (?roomId= that differs)", async () => {
    const { ticket } = await ticketFor("Di");
    const { room: other } = await ticketFor("Ed");
    await expectRefused(wsAuthorizerEvent("conn-wrong-room=", { ticket, roomId: other.roomId }));
  });

  it("accepts ?roomId= when it matches the ticket's room", async () => {
    const { room, ticket } = await ticketFor("Flo");
    expect(
      (await authorize(wsAuthorizerEvent("conn-room=", { ticket, roomId: room.roomId }))).context.roomId,
    ).toBe(room.roomId);
  });

  it("refuses an expired ticket", async () => {
    const { user } = await env.signIn("Gus");
    const room = await Room.create(db, { input: { name: "old" }, caller: user });
    const { ticket } = await Ticket.issue(db, {
      input: { roomId: room.roomId },
      caller: user,
      now: new Date(Date.now() - 61_000),
    });
    await expectRefused(wsAuthorizerEvent("conn-expired=", { ticket }));
  });

  it("logs a refusal as an INFO line with the unauthorized code (not as an error)", async () => {
    await expectRefused(wsAuthorizerEvent("conn-logged=", { ticket: "B".repeat(43) }));
    expect(logs).toEqual([
      expect.objectContaining({ level: "INFO", message: "invocation", errorCode: "unauthorized" }),
    ]);
    expect(JSON.stringify(logs)).not.toContain("B".repeat(43));
  });
});
