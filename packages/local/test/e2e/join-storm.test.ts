import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { connectUrl, ticketFor } from "../../../../test/support/room-session";
import { eventually } from "../../../../test/support/wait";
import { connectClient, type WsClient } from "../../../../test/support/ws-client";
import type { LocalStack } from "../../src/local-stack";
import { type ServerFrame, signIn, startE2eStack } from "../support/e2e-stack";

/**
 * A join storm through the local gateway, with the contract's presence settings (detail limit 100, digests at
 * most every 2 s): 200 sockets join one room, 50 at a time. `$connect` only stores the record, so every join is
 * admitted however many are already in; the room hears of them in `presence` digests from the stream.
 */
const MEMBERS = 200;
const AT_ONCE = 50;
let stack: LocalStack;
beforeAll(async () => {
  stack = await startE2eStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("a join storm", () => {
  // How long a handshake takes is measured by `pnpm bench join-storm` (p95 against the room's size), not here.
  it("admits every join, and everyone ends up seeing the same, true member count", async () => {
    const owner = await signIn(stack, "Owner");
    const room = await httpClient(stack.httpUrl, owner).createRoom("Storm");
    // Members are connections: eight users with 25 sockets each stay under the per-user ticket limit.
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(stack, `User ${i}`)));
    const tickets = await Promise.all(
      Array.from({ length: MEMBERS }, (_, i) =>
        ticketFor(stack.httpUrl, users[i % users.length]!, room.roomId),
      ),
    );
    const clients: WsClient<ServerFrame>[] = [];
    try {
      for (let start = 0; start < MEMBERS; start += AT_ONCE) {
        const wave = await Promise.all(
          tickets
            .slice(start, start + AT_ONCE)
            .map((ticket) => connectClient<ServerFrame>(connectUrl(stack.wsUrl, ticket))),
        );
        clients.push(...wave);
      }
      expect(clients).toHaveLength(MEMBERS);

      const lastCount = (client: WsClient<ServerFrame>) =>
        (client.all((f: any) => f.type === "presence") as any[]).at(-1)?.count;
      await eventually(() => clients.every((client) => lastCount(client) === MEMBERS), { timeoutMs: 30_000 });
      // Digests never name more than 20 each; the last wave joined a room past the detail limit (100), where
      // nobody hears joins one by one.
      for (const client of clients) {
        for (const digest of client.all((f: any) => f.type === "presence") as any[])
          expect(digest.joined.length).toBeLessThanOrEqual(20);
      }
      for (const client of clients.slice(-AT_ONCE))
        expect(client.all((f: any) => f.type === "memberJoined")).toEqual([]);
      clients[0]!.send({ action: "sync" });
      const snapshot = await clients[0]!.nextOfType<any>("snapshot");
      expect(snapshot.members).toHaveLength(MEMBERS);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  }, 120_000);
});
