import { Connection } from "@rooms/core/connection";
import { createDb } from "@rooms/core/db";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { eventually, sleep } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import { clientId, joinRoom, signIn, startE2eStack } from "../support/e2e-stack";

/** GATEWAY_SKIP_DISCONNECT: a closed socket leaves its record behind until a broadcast meets it (410). */
let stack: LocalStack;
let db: ReturnType<typeof createDb>;
let client: ReturnType<typeof localDynamoClient>;
beforeAll(async () => {
  stack = await startE2eStack({ skipDisconnect: true });
  client = localDynamoClient(stack.dynamodbEndpoint);
  db = createDb({ client, table: stack.tableName });
});
afterAll(async () => {
  await stack?.stop();
  client?.destroy();
});

describe("a socket gone without $disconnect", () => {
  it("is pruned by the next broadcast: memberLeft to the others, record deleted, delivery to the rest intact", async () => {
    const api = httpClient(stack.httpUrl, await signIn(stack, "Owner"));
    const room = await api.createRoom("Pruning");
    const alice = await joinRoom(stack, room.roomId, "Alice");
    const bob = await joinRoom(stack, room.roomId, "Bob");
    const ghost = await joinRoom(stack, room.roomId, "Ghost");
    const ghostMember = (await alice.nextOfType<any>("memberJoined", (f) => f.member.name === "Ghost"))
      .member;
    expect(ghostMember.userId).toBe(ghost.session.user.userId);

    await ghost.terminate();
    await sleep(100);
    const before = await Connection.listByRoom(db, { roomId: room.roomId });
    expect(before.map((c: { name: string }) => c.name).sort()).toEqual(["Alice", "Bob", "Ghost"]);

    const id = clientId("prune");
    alice.send({ action: "sendMessage", text: "anyone there?", clientMessageId: id });
    for (const member of [alice, bob])
      await member.next((f: any) => f.type === "message" && f.message.clientMessageId === id);
    // Bob first: he got the broadcast that met the ghost; Alice, its sender, is one of "the others" too.
    for (const member of [bob, alice]) {
      const left = await member.nextOfType<any>(
        "memberLeft",
        (f) => f.member.memberId === ghostMember.memberId,
      );
      expect(left.member).toEqual(ghostMember);
    }

    const after = await Connection.listByRoom(db, { roomId: room.roomId });
    expect(after.map((c: { name: string }) => c.name).sort()).toEqual(["Alice", "Bob"]);

    alice.send({ action: "sync" });
    const snapshot = await alice.nextOfType<any>("snapshot");
    expect(snapshot.members.map((m: { name: string }) => m.name).sort()).toEqual(["Alice", "Bob"]);

    await sleep(200);
    for (const member of [alice, bob])
      expect(member.all((f: any) => f.type === "memberLeft")).toHaveLength(1);
    await Promise.all([alice.close(), bob.close()]);
  });

  // Regression: a joiner must never be told about (or hurt by) gone members met by its own join broadcast.
  it("a member joining a room that still lists a gone connection stays joined", async () => {
    const api = httpClient(stack.httpUrl, await signIn(stack, "Owner"));
    const room = await api.createRoom("Stale record");
    const ghost = await joinRoom(stack, room.roomId, "Ghost");
    await ghost.terminate();
    await sleep(100);

    const joiner = await joinRoom(stack, room.roomId, "Joiner");
    try {
      // The join is announced from the table stream; that announcement meets the ghost and prunes it.
      const names = async () =>
        (await Connection.listByRoom(db, { roomId: room.roomId })).map((c: { name: string }) => c.name);
      await eventually(async () => (await names()).length === 1, { timeoutMs: 15_000 });
      expect(await names()).toEqual(["Joiner"]);
      joiner.send({ action: "ping" });
      await joiner.nextOfType("pong");
      const id = clientId("after-join");
      joiner.send({ action: "sendMessage", text: "hello", clientMessageId: id });
      await joiner.next((f: any) => f.type === "message" && f.message.clientMessageId === id);
    } finally {
      await joiner.close();
    }
  });
});
