import { createDb } from "@rooms/core/db";
import { Presence } from "@rooms/core/presence";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { eventually } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import { joinRoom, type RoomClient, signIn, startE2eStack } from "../support/e2e-stack";

/**
 * The trailing edge of a large room's presence, through the local stack: the table stream's presence worker finds
 * the room's digest slot taken and schedules a delayed digest job on the fan-out queue (the SQS emulation, with
 * DelaySeconds); the fan-out worker runs it when the slot frees. The detail limit is 2, so three members make a
 * large room, and the interval is long enough that a join made right after a digest always meets a taken slot.
 */
const INTERVAL_MS = 5_000;
let stack: LocalStack;
let dynamo: ReturnType<typeof localDynamoClient>;
beforeAll(async () => {
  stack = await startE2eStack({
    presence: { detailLimit: 2, digestIntervalMs: INTERVAL_MS, batchingWindowMs: 100 },
  });
  dynamo = localDynamoClient(stack.dynamodbEndpoint);
});
afterAll(async () => {
  await stack?.stop();
  dynamo?.destroy();
});

const digests = (client: RoomClient) => client.all((f: any) => f.type === "presence") as any[];

describe("a delayed presence digest", () => {
  it("announces a join that arrived while the room's digest slot was taken, once the slot frees", async () => {
    const owner = await signIn(stack, "Owner");
    const room = await httpClient(stack.httpUrl, owner).createRoom("Delayed");
    const residents: RoomClient[] = [];
    for (const name of ["Ann", "Ben", "Cat"]) residents.push(await joinRoom(stack, room.roomId, name));
    const fanOut = stack.queues.FanOut!;
    const watcher = residents[0]!;
    let late: RoomClient | undefined;
    try {
      // A digest counting the three just went out, and no delayed job is waiting: the slot is taken for 5 s.
      await eventually(() => digests(watcher).at(-1)?.count === 3 && fanOut.depth() === 0, {
        timeoutMs: 20_000,
      });
      // When that digest took the slot, on the server's clock (seeing it here comes a moment later).
      const db = createDb({ client: dynamo, table: stack.tableName });
      const slotTakenAt = (await Presence.read(db, { roomId: room.roomId }))!.digestAt!;
      const receivedBefore = fanOut.received();

      late = await joinRoom(stack, room.roomId, "Late");
      const namesLate = (digest: any) => digest.joined.some((m: any) => m.name === "Late");
      await eventually(() => digests(watcher).some(namesLate), { timeoutMs: 20_000 });
      const announced = Date.now();

      const digest = digests(watcher).find(namesLate);
      expect(digest.count).toBe(4);
      // No other change came after Late's: only the delayed job, taken off the fan-out queue, can have sent it,
      // and not before the slot freed.
      expect(fanOut.received() - receivedBefore).toBeGreaterThanOrEqual(1);
      expect(announced - slotTakenAt).toBeGreaterThanOrEqual(INTERVAL_MS);
      for (const resident of residents.slice(1))
        await eventually(() => digests(resident).some(namesLate), { timeoutMs: 5_000 });
      expect(fanOut.deadLetters).toEqual([]);
    } finally {
      await Promise.all([...residents, ...(late ? [late] : [])].map((client) => client.close()));
    }
  });
});
