import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../src/local-stack";
import { clientId, httpApi, joinRoom, type Room, type RoomClient, startE2eStack, UNKNOWN_ROOM_ID } from "../support/e2e-stack";
import { expectRefused, sleep } from "../support/ws-test-client";

let stack: LocalStack;
let api: ReturnType<typeof httpApi>;
let room: Room;
let sender: RoomClient;
let watcher: RoomClient;

beforeAll(async () => {
  stack = await startE2eStack();
  api = httpApi(stack);
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
  it("refuses an unknown room with 404", async () => {
    expect((await expectRefused(stack.wsUrl, { roomId: UNKNOWN_ROOM_ID, name: "Zed" })).status).toBe(404);
  });

  it("refuses a bad display name with 400", async () => {
    for (const name of ["", "   ", "x".repeat(41)]) {
      expect((await expectRefused(stack.wsUrl, { roomId: room.roomId, name })).status).toBe(400);
    }
    expect((await expectRefused(stack.wsUrl, { roomId: room.roomId })).status).toBe(400);
  });

  it("refuses a malformed or missing room id (400 or 404, as GET /rooms/{roomId} does)", async () => {
    expect([400, 404]).toContain((await expectRefused(stack.wsUrl, { roomId: "not-an-id", name: "Zed" })).status);
    expect([400, 404]).toContain((await expectRefused(stack.wsUrl, { name: "Zed" })).status);
  });
});

describe("frames the server refuses", () => {
  const cases: [string, unknown, string | undefined][] = [
    ["not JSON", "this is not json", undefined],
    ["a JSON array", "[1,2,3]", undefined],
    ["an unknown action", { action: "launchRockets" }, "launchRockets"],
    ["no action", { text: "hi" }, undefined],
    ["sendMessage without text", { action: "sendMessage", clientMessageId: "x" }, "sendMessage"],
    ["sendMessage with 4001 characters", { action: "sendMessage", text: "x".repeat(4001), clientMessageId: "x" }, "sendMessage"],
    ["sendMessage with a blank text", { action: "sendMessage", text: "   ", clientMessageId: "x" }, "sendMessage"],
    ["sendMessage with a 65-character clientMessageId", { action: "sendMessage", text: "hi", clientMessageId: "x".repeat(65) }, "sendMessage"],
    ["addTodo with an empty title", { action: "addTodo", title: "" }, "addTodo"],
    ["addTodo with 201 characters", { action: "addTodo", title: "x".repeat(201) }, "addTodo"],
    ["updateTodo with a string version", { action: "updateTodo", todoId: UNKNOWN_ROOM_ID, version: "1", done: true }, "updateTodo"],
    ["deleteTodo with a malformed id", { action: "deleteTodo", todoId: "nope" }, "deleteTodo"],
    ["sync with a malformed cursor", { action: "sync", after: "nope" }, "sync"],
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
    expect(error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: ["title"], message: expect.any(String) })]));
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
