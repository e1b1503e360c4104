import { Connection } from "@rooms/core/connection";
import { createDb } from "@rooms/core/db";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import type { LocalStack } from "../../src/local-stack";
import { clientId, joinRoom, signIn, startE2eStack } from "../support/e2e-stack";

/**
 * While a member's $connect runs, @connections answers 410 for it (as on AWS). If its record were stored
 * before its join broadcast, a concurrent broadcast (another member joining) could meet it and prune it as
 * gone. Many members joining a busy room at once must all stay joined.
 */
let stack: LocalStack;
let client: ReturnType<typeof localDynamoClient>;
beforeAll(async () => {
  stack = await startE2eStack();
  client = localDynamoClient(stack.dynamodbEndpoint);
});
afterAll(async () => {
  await stack?.stop();
  client?.destroy();
});

describe("members joining at the same moment", () => {
  // A correctness check, not a timed one: on a busy machine a send that lost the seq race for its whole budget
  // is refused and resent, which takes longer than the project's 30 s default.
  it("nobody is pruned while connecting, and every joiner can talk to every other", {
    timeout: 120_000,
  }, async () => {
    const db = createDb({ client, table: stack.tableName });
    const owner = await signIn(stack, "Owner");
    const api = httpClient(stack.httpUrl, owner);
    const room = await api.createRoom("Race");
    const residents = await Promise.all(
      Array.from({ length: 20 }, (_, i) => joinRoom(stack, room.roomId, `Resident ${i}`)),
    );
    const joiners = await Promise.all(
      Array.from({ length: 12 }, (_, i) => joinRoom(stack, room.roomId, `Joiner ${i}`)),
    );
    const everyone = [...residents, ...joiners];
    try {
      const records = await Connection.listByRoom(db, { roomId: room.roomId });
      expect(records).toHaveLength(everyone.length);
      // Each record is its ticket's user: one guest per socket here.
      expect(records.map((c) => `${c.userId} ${c.name}`).sort()).toEqual(
        everyone.map((m) => `${m.session.user.userId} ${m.session.user.name}`).sort(),
      );
      // Connecting to a public room made every joiner a member, next to the owner.
      const members = await api.get(`/rooms/${room.roomId}/members?limit=100`);
      expect(members.status).toBe(200);
      expect(members.json.members.map((m: { userId: string }) => m.userId).sort()).toEqual(
        [owner.user.userId, ...everyone.map((m) => m.session.user.userId)].sort(),
      );

      // Twelve sends at once race for the room's next seq: one that lost for its whole budget is refused with the
      // retryable `internal` (nothing stored), and resent with the same clientMessageId, as a client does.
      const ids = await Promise.all(
        joiners.map(async (joiner, i) => {
          const id = clientId(`race-${i}`);
          const mine = (f: any) => (f.message?.clientMessageId ?? f.clientMessageId) === id;
          for (let attempt = 0; attempt < 3; attempt++) {
            const from = joiner.received;
            joiner.send({ action: "sendMessage", text: `hi from joiner ${i}`, clientMessageId: id });
            // Past the handler's own 15 s timeout: every frame gets its answer (the echo or an error) within that.
            const answer = await joiner.waitFor<any>(
              (f: any) => (f.type === "message" || f.type === "error") && mine(f),
              { from, timeoutMs: 30_000, what: `the answer to ${id}` },
            );
            if (answer.type === "message") break;
            expect(answer).toMatchObject({ code: "internal" });
          }
          return id;
        }),
      );
      for (const member of everyone) {
        for (const id of ids)
          await member.next((f: any) => f.type === "message" && f.message.clientMessageId === id);
      }
      for (const member of everyone) expect(member.all((f: any) => f.type === "memberLeft")).toHaveLength(0);
    } finally {
      await Promise.all(everyone.map((member) => member.close()));
    }
  });
});
