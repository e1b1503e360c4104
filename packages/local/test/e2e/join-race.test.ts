import { Connection } from "@rooms/core/connection";
import { createDb } from "@rooms/core/db";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalStack } from "../../src/local-stack";
import { clientId, httpApi, joinRoom, startE2eStack } from "../support/e2e-stack";
import { eventually, sleep } from "../support/ws-test-client";

/**
 * A member whose $connect is still under way is stored but not yet reachable: @connections answers 410 until
 * API Gateway opens the socket (as on AWS). Here that window is widened to one second so the race is certain.
 */
let stack: LocalStack;
let client: ReturnType<typeof localDynamoClient>;
beforeAll(async () => {
  stack = await startE2eStack({ openDelayMs: 1_000 });
  client = localDynamoClient(stack.dynamodbEndpoint);
});
afterAll(async () => {
  await stack?.stop();
  client?.destroy();
});

describe("members joining at the same moment", () => {
  /*
   * KNOWN BUG, marked `fails` until fixed (core broadcast prune-on-gone + the $connect handler's memberJoined):
   * C's $connect broadcasts memberJoined, meets B's record while B's own $connect has not finished, gets 410 and
   * prunes B as gone. B's handshake then succeeds, but B is no longer in the room: every frame it sends is
   * answered "not joined to a room; reconnect" and nothing reaches it. Seen without any widened window too
   * (two clients joining with Promise.all). A fix: treat 410 from a connection younger than the $connect
   * timeout as "not open yet" (skip, do not prune). C then also prunes itself: see the `except` bug in
   * prune-without-disconnect.test.ts. When this passes, drop `.fails`.
   */
  it.fails("a member still connecting is not pruned by another member's join", async () => {
    const db = createDb({ client, table: stack.tableName });
    const room = await httpApi(stack).createRoom("Race");
    const first = await joinRoom(stack, room.roomId, "First");

    const slowJoin = joinRoom(stack, room.roomId, "Slow");
    // Slow's record is stored; its socket opens only after the widened window.
    await eventually(async () => (await Connection.listByRoom(db, { roomId: room.roomId })).some((c: { name: string }) => c.name === "Slow"));
    const third = await joinRoom(stack, room.roomId, "Third");
    const slow = await slowJoin;
    try {
      await sleep(100);
      const names = (await Connection.listByRoom(db, { roomId: room.roomId })).map((c: { name: string }) => c.name).sort();
      expect(names).toEqual(["First", "Slow", "Third"]);

      const id = clientId("race");
      slow.send({ action: "sendMessage", text: "still here", clientMessageId: id });
      for (const member of [first, slow, third]) {
        await member.next((f: any) => f.type === "message" && f.message.clientMessageId === id, 3_000);
      }
    } finally {
      await Promise.all([first, slow, third].map((member) => member.close()));
    }
  });
});
