import { REMOVAL_SWEEP_DELAY_SECONDS } from "@rooms/core/realtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { acceptInvite, createInvite } from "../../../../test/support/room-session";
import { sleep } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import { clientId, joinRoom, type RoomClient, signIn, startE2eStack } from "../support/e2e-stack";

/**
 * A removal whose own closes fail, through the local stack with real sockets: the DELETE route is refused
 * @connections (its IAM grant withheld), as a throttle or a 5xx past the retries would leave it. The removed user's
 * socket stays open for a few seconds, but nothing of the room reaches it and nothing it sends is taken; then the
 * removal's sweep (a delayed job on the fan-out queue, run by the fan-out worker with its own grants) tells it
 * `removed` and closes it. And the private room's invite links the owner made before the removal stop working.
 */
const REMOVE_ROUTE = "DELETE /rooms/{roomId}/members/{userId}";
let stack: LocalStack;
const sockets: RoomClient[] = [];
beforeAll(async () => {
  stack = await startE2eStack({ revokeGrants: { [REMOVE_ROUTE]: ["execute-api:ManageConnections"] } });
});
afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close().catch(() => {})));
  await stack?.stop();
});

describe("removing a member whose socket the removal could not close", () => {
  it("cuts the socket off from the room at once, closes it within the sweep delay, and old links stop working", async () => {
    const owner = await signIn(stack, "Olga");
    const bob = await signIn(stack, "Bob");
    const ownerApi = httpClient(stack.httpUrl, owner);
    const room = await ownerApi.createRoom("Private den", "private");
    const oldCode = await createInvite(stack.httpUrl, owner, room.roomId);
    await acceptInvite(stack.httpUrl, bob, oldCode);
    const olgaSocket = await joinRoom(stack, room.roomId, owner);
    const bobSocket = await joinRoom(stack, room.roomId, bob);
    sockets.push(olgaSocket, bobSocket);

    const removedAt = Date.now();
    expect((await ownerApi.delete(`/rooms/${room.roomId}/members/${bob.user.userId}`)).status).toBe(204);

    // The owner's next message and todo reach the owner, not Bob.
    olgaSocket.send({ action: "sendMessage", text: "after Bob left", clientMessageId: clientId() });
    olgaSocket.send({ action: "addTodo", title: "secret plan" });
    await olgaSocket.nextOfType("message");
    await olgaSocket.nextOfType("todo");
    // Bob's frames are refused, and nothing he asks for comes back.
    const received = bobSocket.received;
    bobSocket.send({ action: "sync" });
    bobSocket.send({ action: "addTodo", title: "sneaky" });
    bobSocket.send({ action: "sendMessage", text: "I am back", clientMessageId: clientId() });
    for (const action of ["sync", "addTodo", "sendMessage"])
      await bobSocket.waitFor((f: any) => f.type === "error" && f.action === action, { from: received });

    // The sweep tells him and closes the socket.
    expect(await bobSocket.nextOfType("removed", undefined, 30_000)).toEqual({
      type: "removed",
      roomId: room.roomId,
    });
    expect((await bobSocket.closed).code).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - removedAt).toBeGreaterThanOrEqual((REMOVAL_SWEEP_DELAY_SECONDS - 1) * 1_000);
    const seen = bobSocket.all((f: any) => ["message", "todo", "snapshot"].includes(f.type));
    expect(seen).toEqual([]);
    const { json: history } = await ownerApi.get(`/rooms/${room.roomId}/messages`);
    expect(history.messages.map((m: { text: string }) => m.text)).toEqual(["after Bob left"]);

    // A new guest identity with the old link gets nowhere; a link made after the removal works.
    const bobAgain = await signIn(stack, "Bob");
    const refused = await httpClient(stack.httpUrl, bobAgain).post(`/invites/${oldCode}`);
    expect(refused).toMatchObject({ status: 404, json: { error: { code: "not_found" } } });
    await sleep(5);
    const freshCode = await createInvite(stack.httpUrl, owner, room.roomId);
    expect((await acceptInvite(stack.httpUrl, bobAgain, freshCode)).roomId).toBe(room.roomId);
  });
});
