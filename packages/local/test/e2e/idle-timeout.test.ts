import { Connection } from "@rooms/core/connection";
import { createDb } from "@rooms/core/db";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { eventually } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import { joinRoom, signIn, startE2eStack } from "../support/e2e-stack";

/** API Gateway's 10-minute idle timeout, shortened: the gateway closes (1001) and $disconnect tells the room. */
let stack: LocalStack;
let client: ReturnType<typeof localDynamoClient>;
beforeAll(async () => {
  // Far from the talker's keep-alive (a ping every 200 ms): gateway and clients share this process's event loop,
  // and a stall on a busy machine must not close the talker too.
  stack = await startE2eStack({ idleTimeoutMs: 2_000 });
  client = localDynamoClient(stack.dynamodbEndpoint);
});
afterAll(async () => {
  await stack?.stop();
  client?.destroy();
});

describe("idle timeout through the real handlers", () => {
  it("closes a silent member with 1001, announces memberLeft and deletes its record; pings keep the other", async () => {
    const db = createDb({ client, table: stack.tableName });
    const room = await httpClient(stack.httpUrl, await signIn(stack, "Owner")).createRoom("Quiet");
    const talker = await joinRoom(stack, room.roomId, "Talker");
    const keepAlive = setInterval(() => talker.send({ action: "ping" }), 200);
    try {
      const sleeper = await joinRoom(stack, room.roomId, "Sleeper");
      expect(await sleeper.closed).toEqual({ code: 1001, reason: "Going away" });
      const left = await talker.nextOfType<any>("memberLeft", (f) => f.member.name === "Sleeper");
      expect(left.member).toMatchObject({ name: "Sleeper", userId: sleeper.session.user.userId });
      await eventually(async () => {
        const records = await Connection.listByRoom(db, { roomId: room.roomId });
        return records.length === 1 && records[0]?.userId === talker.session.user.userId;
      });
      expect(talker.socket.readyState).toBe(talker.socket.OPEN);
    } finally {
      clearInterval(keepAlive);
      await talker.close();
    }
  });
});
