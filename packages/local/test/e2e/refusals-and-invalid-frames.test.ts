import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpClient, httpClient } from "../../../../test/support/http-client";
import { connectUrl, ticketFor } from "../../../../test/support/room-session";
import { sleep } from "../../../../test/support/wait";
import { connectClient, expectRefused } from "../../../../test/support/ws-client";
import type { LocalStack } from "../../src/local-stack";
import {
  clientId,
  invite,
  joinRoom,
  type Room,
  type RoomClient,
  type Session,
  signIn,
  startE2eStack,
  UNKNOWN_ROOM_ID,
} from "../support/e2e-stack";

const UNAUTHORIZED = { status: 401, body: '{"message":"Unauthorized"}' };

let stack: LocalStack;
let owner: Session;
let api: HttpClient;
let room: Room;
let sender: RoomClient;
let watcher: RoomClient;

beforeAll(async () => {
  stack = await startE2eStack();
  owner = await signIn(stack, "Owner");
  api = httpClient(stack.httpUrl, owner);
  room = await api.createRoom("Strict room");
  sender = await joinRoom(stack, room.roomId, "Sender");
  watcher = await joinRoom(stack, room.roomId, "Watcher");
});
afterAll(async () => {
  await Promise.all([sender, watcher].map((client) => client?.close().catch(() => {})));
  await stack?.stop();
});

async function expectNothingWritten() {
  const [{ json: roomReply }, { json: history }] = await Promise.all([
    api.get(`/rooms/${room.roomId}`),
    api.get(`/rooms/${room.roomId}/messages`),
  ]);
  expect(roomReply.todos).toEqual([]);
  expect(history.messages).toEqual([]);
}

describe("handshake", () => {
  it("an unknown or malformed room gets no ticket (404), so there is nothing to connect with", async () => {
    const unknown = await api.post(`/rooms/${UNKNOWN_ROOM_ID}/tickets`);
    expect(unknown).toMatchObject({ status: 404, json: { error: { code: "not_found" } } });
    expect((await api.post("/rooms/not-an-id/tickets")).status).toBe(404);
  });

  it("refuses a missing, empty, unknown or malformed ticket with 401", async () => {
    expect(await expectRefused(stack.wsUrl)).toEqual(UNAUTHORIZED);
    expect(await expectRefused(stack.wsUrl, { ticket: "" })).toEqual(UNAUTHORIZED);
    const real = await ticketFor(stack.httpUrl, owner, room.roomId);
    const unknown = `${real.slice(0, -4)}${real.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
    for (const ticket of [unknown, "not a ticket", "x".repeat(500)])
      expect(await expectRefused(stack.wsUrl, { ticket })).toEqual(UNAUTHORIZED);
    // The real one was not used up by its neighbours' failures.
    await (await connectClient(connectUrl(stack.wsUrl, real))).close();
  });

  it("the v1 handshake (?roomId=&name=) is gone: 401", async () => {
    expect(await expectRefused(stack.wsUrl, { roomId: room.roomId, name: "Zed" })).toEqual(UNAUTHORIZED);
  });

  it("a ticket opens one socket only: a second handshake with it is refused 401", async () => {
    const url = connectUrl(stack.wsUrl, await ticketFor(stack.httpUrl, owner, room.roomId));
    const first = await connectClient(url);
    expect(await expectRefused(url)).toEqual(UNAUTHORIZED);
    await first.close();
    expect(await expectRefused(url)).toEqual(UNAUTHORIZED);
  });

  it("a ticket names its room: asking for another room with it is refused 401 (and uses it up)", async () => {
    const other = await api.createRoom("Other room");
    const ticket = await ticketFor(stack.httpUrl, owner, room.roomId);
    expect(await expectRefused(stack.wsUrl, { ticket, roomId: other.roomId })).toEqual(UNAUTHORIZED);
    expect(await expectRefused(stack.wsUrl, { ticket })).toEqual(UNAUTHORIZED);
  });

  it("a private room admits members only; a removed member's earlier ticket is refused 403", async () => {
    const den = await api.createRoom("Private den", "private");
    const guest = await signIn(stack, "Guest");
    expect((await httpClient(stack.httpUrl, guest).post(`/rooms/${den.roomId}/tickets`)).status).toBe(404);

    await invite(stack, { owner, member: guest, roomId: den.roomId });
    const ticket = await ticketFor(stack.httpUrl, guest, den.roomId);
    const ownerSocket = await joinRoom(stack, den.roomId, owner);
    const guestSocket = await joinRoom(stack, den.roomId, guest);
    const joined = await ownerSocket.nextOfType<any>("memberJoined");
    expect(joined.member).toMatchObject({ userId: guest.user.userId, name: "Guest" });

    expect((await api.delete(`/rooms/${den.roomId}/members/${guest.user.userId}`)).status).toBe(204);
    expect(await guestSocket.nextOfType("removed")).toEqual({ type: "removed", roomId: den.roomId });
    await guestSocket.closed;
    expect((await expectRefused(stack.wsUrl, { ticket })).status).toBe(403);
    expect((await httpClient(stack.httpUrl, guest).post(`/rooms/${den.roomId}/tickets`)).status).toBe(403);
    await ownerSocket.close();
  });
});

describe("frames the server refuses", () => {
  const cases: [string, unknown, string | undefined][] = [
    ["not JSON", "this is not json", undefined],
    ["a JSON array", "[1,2,3]", undefined],
    ["an unknown action", { action: "launchRockets" }, "launchRockets"],
    ["no action", { text: "hi" }, undefined],
    ["sendMessage without text", { action: "sendMessage", clientMessageId: "x" }, "sendMessage"],
    [
      "sendMessage with 4001 characters",
      { action: "sendMessage", text: "x".repeat(4001), clientMessageId: "x" },
      "sendMessage",
    ],
    [
      "sendMessage with a blank text",
      { action: "sendMessage", text: "   ", clientMessageId: "x" },
      "sendMessage",
    ],
    [
      "sendMessage with a 65-character clientMessageId",
      { action: "sendMessage", text: "hi", clientMessageId: "x".repeat(65) },
      "sendMessage",
    ],
    ["addTodo with an empty title", { action: "addTodo", title: "" }, "addTodo"],
    ["addTodo with 201 characters", { action: "addTodo", title: "x".repeat(201) }, "addTodo"],
    [
      "updateTodo with a string version",
      { action: "updateTodo", todoId: UNKNOWN_ROOM_ID, version: "1", done: true },
      "updateTodo",
    ],
    ["deleteTodo with a malformed id", { action: "deleteTodo", todoId: "nope", version: 1 }, "deleteTodo"],
    ["deleteTodo without a version", { action: "deleteTodo", todoId: UNKNOWN_ROOM_ID }, "deleteTodo"],
    ["moveTodo without after", { action: "moveTodo", todoId: UNKNOWN_ROOM_ID, version: 1 }, "moveTodo"],
    [
      "updateTodo with a malformed assigneeId",
      { action: "updateTodo", todoId: UNKNOWN_ROOM_ID, version: 1, assigneeId: "no spaces allowed" },
      "updateTodo",
    ],
    ["sync with a malformed afterSeq", { action: "sync", afterSeq: "nope" }, "sync"],
    ["markRead without a seq", { action: "markRead" }, "markRead"],
  ];

  for (const [what, frame, action] of cases) {
    it(`${what}: an error frame to the sender alone, nothing written`, async () => {
      sender.send(frame);
      const error = await sender.nextOfType<any>("error");
      expect(error).toMatchObject({ type: "error", code: expect.any(String), message: expect.any(String) });
      expect(error.code).not.toBe("internal");
      if (action && action !== "launchRockets") expect(error).toMatchObject({ code: "bad_request", action });
      await expectNothingWritten();
    });
  }

  it("validation errors list their issues", async () => {
    sender.send({ action: "addTodo", title: "" });
    const error = await sender.nextOfType<any>("error");
    expect(error.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: ["title"], message: expect.any(String) })]),
    );
  });

  it("the watcher saw none of those errors", async () => {
    await sleep(200);
    expect(watcher.all((f: any) => f.type === "error")).toEqual([]);
  });

  it("a frame over 32 KB closes the connection with 1009 and writes nothing", async () => {
    const big = await joinRoom(stack, room.roomId, "Big");
    big.send({ action: "sendMessage", text: "x".repeat(33 * 1024), clientMessageId: clientId() });
    expect((await big.closed).code).toBe(1009);
    await expectNothingWritten();
  });
});

describe("identity comes from the ticket, never from a frame", () => {
  it("a frame naming another author or room still stores the sender's own userId, name and room", async () => {
    const elsewhere = await api.createRoom("Elsewhere");
    const id = clientId("spoof");
    sender.send({
      action: "sendMessage",
      text: "who am I?",
      clientMessageId: id,
      authorId: owner.user.userId,
      author: "Owner",
      roomId: elsewhere.roomId,
    });
    const reply = await sender.nextOfType<any>("message", (f) => f.message.clientMessageId === id);
    // Extra fields are ignored: the message is the sender's, in the sender's room.
    expect(reply.message).toMatchObject({
      roomId: room.roomId,
      authorId: sender.session.user.userId,
      author: "Sender",
      text: "who am I?",
    });
    const watched = await watcher.nextOfType<any>("message", (f) => f.message.clientMessageId === id);
    expect(watched.message).toEqual(reply.message);
    expect((await api.get(`/rooms/${elsewhere.roomId}/messages`)).json.messages).toEqual([]);
  });
});
