import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { eventually } from "../../../../test/support/wait";
import type { LocalStack } from "../../src/local-stack";
import { joinRoom, type RoomClient, signIn, startE2eStack } from "../support/e2e-stack";

/**
 * Presence runs off the request path: `$connect` and `$disconnect` only write the connection record, and the
 * table stream's worker (the local event source mapping on DynamoDB Local's real stream) announces it. The detail
 * limit is lowered to 5 so that a room of a dozen is a "large" room here.
 */
const DETAIL_LIMIT = 5;
const INTERVAL_MS = 1_000;
let stack: LocalStack;
beforeAll(async () => {
  stack = await startE2eStack({
    presence: { detailLimit: DETAIL_LIMIT, digestIntervalMs: INTERVAL_MS, batchingWindowMs: 200 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const ofType = (client: RoomClient, type: string) => client.all((f: any) => f.type === type) as any[];

describe("presence from the table stream", () => {
  it("a small room hears memberJoined and memberLeft; the joiner does not hear its own join", async () => {
    const owner = await signIn(stack, "Host");
    const room = await httpClient(stack.httpUrl, owner).createRoom("Small");
    const host = await joinRoom(stack, room.roomId, owner);
    const guest = await joinRoom(stack, room.roomId, "Guest");
    try {
      const joined = await host.nextOfType<any>("memberJoined", (f) => f.member.name === "Guest");
      expect(joined.member).toMatchObject({ userId: guest.session.user.userId, name: "Guest" });
      await guest.close();
      const left = await host.nextOfType<any>("memberLeft", (f) => f.member.name === "Guest");
      expect(left.member.memberId).toBe(joined.member.memberId);
      expect(ofType(guest, "memberJoined")).toEqual([]);
      expect(ofType(host, "memberJoined")).toHaveLength(1);
    } finally {
      await Promise.all([host.close(), guest.close()]);
    }
  });

  it("a room past the detail limit gets `presence` digests at most once per interval, ending on the true count", async () => {
    const owner = await signIn(stack, "Owner");
    const room = await httpClient(stack.httpUrl, owner).createRoom("Large");
    // Members are connections: a few users with several sockets each keep under the per-IP session limit.
    const users = await Promise.all(["Ann", "Ben", "Cat", "Dan"].map((name) => signIn(stack, name)));
    const residents: RoomClient[] = [];
    for (let i = 0; i < DETAIL_LIMIT + 2; i++)
      residents.push(await joinRoom(stack, room.roomId, users[i % 4]!));
    const storm = await Promise.all(
      Array.from({ length: 12 }, (_, i) => joinRoom(stack, room.roomId, users[i % 4]!)),
    );
    const everyone = [...residents, ...storm];
    try {
      const watcher = residents[0]!;
      // The storm is announced: the last digest a resident gets counts everyone.
      await eventually(() => ofType(watcher, "presence").at(-1)?.count === everyone.length, {
        timeoutMs: 15_000,
      });
      const digests = ofType(watcher, "presence");
      for (const digest of digests) {
        expect(digest.joined.length).toBeLessThanOrEqual(20);
        expect(digest.left.length).toBeLessThanOrEqual(20);
      }
      const named = new Set(digests.flatMap((d) => d.joined.map((m: any) => m.userId)));
      for (const user of users) expect(named).toContain(user.user.userId);
      // Past the limit nobody hears joins one by one.
      expect(ofType(storm.at(-1)!, "memberJoined")).toEqual([]);
      const received = watcher.frames.filter((f: any) => f.type === "presence").length;
      expect(received).toBe(digests.length);

      // Two leave: a later digest names them and counts the rest.
      await Promise.all([storm[0]!.close(), storm[1]!.close()]);
      await eventually(() => ofType(watcher, "presence").at(-1)?.count === everyone.length - 2, {
        timeoutMs: 15_000,
      });
      const leftUsers = ofType(watcher, "presence").flatMap((d) => d.left.map((m: any) => m.userId));
      expect(leftUsers).toEqual(expect.arrayContaining([users[0]!.user.userId, users[1]!.user.userId]));
    } finally {
      await Promise.all(everyone.map((member) => member.close()));
    }
  });
});
