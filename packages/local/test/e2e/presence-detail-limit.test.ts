import type { SnapshotFrame } from "@rooms/core/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpClient, httpClient } from "../../../../test/support/http-client";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";
import { eventually, sleep } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  joinRoom,
  type RoomClient,
  type Session,
  signIn,
  startE2eStack,
} from "../support/e2e-stack";

/**
 * Contract v2 "Presence" with the presence-detail limit lowered to 3 live members, as a test stack may set any
 * limit (`limits.presenceDetailLimit`), end to end through the local API Gateway with real WebSocket clients:
 * within it `typing` and `read` frames reach the room and `sync` lists who is here; past it no `typing` or
 * `read` frames go out, and `sync` carries the live count with no member list (that is paged over HTTP).
 */
const LIMIT = 3;
let stack: LocalStack;
let owner: Session;
let api: HttpClient;
const opened: RoomClient[] = [];
/** How many invocations of each WebSocket route have ended (negative checks wait for these, not for a while). */
const handled = new Map<string, number>();

beforeAll(async () => {
  stack = await startE2eStack({
    limits: { ...RAISED_LIMITS, presenceDetailLimit: LIMIT },
    onInvocation: ({ routeKey }) => void handled.set(routeKey, (handled.get(routeKey) ?? 0) + 1),
  });
  owner = await signIn(stack, "Owner");
  api = httpClient(stack.httpUrl, owner);
});
afterAll(async () => {
  await Promise.all(opened.map((client) => client.close().catch(() => {})));
  await stack?.stop();
});

async function join(roomId: string, who: string | Session) {
  const client = await joinRoom(stack, roomId, who);
  opened.push(client);
  return client;
}

/** Sends `frame` and waits until the gateway has run its route to the end, then a moment for any post to land. */
async function sendAndSettle(client: RoomClient, frame: { action: string } & Record<string, unknown>) {
  const before = handled.get(frame.action) ?? 0;
  client.send(frame);
  await eventually(() => (handled.get(frame.action) ?? 0) > before, { timeoutMs: 15_000 });
  await sleep(300);
}

async function sync(client: RoomClient): Promise<SnapshotFrame> {
  const from = client.received;
  client.send({ action: "sync" });
  return client.waitFor<SnapshotFrame>((f: any) => f.type === "snapshot", { from, what: "snapshot" });
}

const ofType = (clients: RoomClient[], type: string) =>
  clients.flatMap((c) => c.all((f: any) => f.type === type));

describe(`typing, read and sync around a presence-detail limit of ${LIMIT}`, () => {
  it("within the limit typing and read reach the others and sync lists everyone; past it none go out and sync has the count only", async () => {
    const room = await api.createRoom("Detail limit");
    const here = [
      await join(room.roomId, owner),
      await join(room.roomId, "Bea"),
      await join(room.roomId, "Cy"),
    ];
    const [ann, bea, cy] = here as [RoomClient, RoomClient, RoomClient];
    for (const text of ["one", "two"]) {
      const id = clientId("m");
      ann.send({ action: "sendMessage", text, clientMessageId: id });
      await ann.waitFor((f: any) => f.type === "message" && f.message.clientMessageId === id);
    }

    // Within the limit (3 live): everything per member.
    const small = await sync(bea);
    expect(small.members.map((m) => m.name).sort()).toEqual(["Bea", "Cy", "Owner"]);
    expect(small.memberCount).toBe(LIMIT);
    ann.send({ action: "typing" });
    for (const other of [bea, cy]) await other.nextOfType("typing", undefined, 15_000);
    bea.send({ action: "markRead", seq: 1 });
    for (const other of [ann, cy])
      expect(await other.nextOfType<any>("read", undefined, 15_000)).toMatchObject({ seq: 1 });

    // A fourth live member: past the limit. Presence tells the room the count in a digest.
    const dee = await join(room.roomId, "Dee");
    const everyone = [...here, dee];
    await ann.waitFor((f: any) => f.type === "presence" && f.count === LIMIT + 1, {
      what: "presence digest",
    });
    const typingBefore = ofType(everyone, "typing").length;
    const readBefore = ofType(everyone, "read").length;

    await sendAndSettle(cy, { action: "typing" });
    await sendAndSettle(bea, { action: "markRead", seq: 2 });
    expect(ofType(everyone, "typing")).toHaveLength(typingBefore);
    expect(ofType(everyone, "read")).toHaveLength(readBefore);
    expect(ofType(everyone, "error")).toEqual([]);

    const large = await sync(dee);
    expect(large.members).toEqual([]);
    expect(large.memberCount).toBe(LIMIT + 1);
    expect(large.part).toBeUndefined();
    // The member list is paged over HTTP.
    const members = await api.get(`/rooms/${room.roomId}/members?limit=100`);
    expect(members.json.members).toHaveLength(LIMIT + 1);
  });
});

describe("error frames echo the failed frame's id exactly", () => {
  it("an over-long clientMessageId or clientTodoId is refused bad_request and echoed as sent", async () => {
    const room = await api.createRoom("Echo");
    const sender = await join(room.roomId, owner);
    for (const length of [65, 300]) {
      const clientMessageId = `m${"x".repeat(length - 1)}`;
      sender.send({ action: "sendMessage", text: "hi", clientMessageId });
      const error = await sender.nextOfType<any>("error", undefined, 15_000);
      expect(error).toMatchObject({ code: "bad_request", action: "sendMessage", clientMessageId });

      const clientTodoId = `t${"y".repeat(length - 1)}`;
      sender.send({ action: "addTodo", title: "a todo", clientTodoId });
      expect(await sender.nextOfType<any>("error", undefined, 15_000)).toMatchObject({
        code: "bad_request",
        action: "addTodo",
        clientTodoId,
      });
    }
  });
});
