import type { RouteInvocation } from "@rooms/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectUrl, createSession, ticketFor } from "../support/room-session";
import { eventually } from "../support/wait";
import { connectClient, type WsClient } from "../support/ws-client";
import { type ReliabilityStack, startReliabilityStack } from "./support/reliability-stack";

/**
 * A join storm through the local gateway, with the contract's presence settings (detail limit 100, digests of a
 * large room at a bounded post rate): 300 sockets join one room, 50 at a time. `$connect` only stores the record,
 * so every join is admitted however many are already in, and quickly: the gateway reports each `$connect`
 * integration's duration (what API Gateway's timeout bounds), and none may take a second. The room hears of the
 * joins in `presence` digests from the stream. A reliability file, so it runs alone on a DynamoDB Local of its
 * own: the bound is on `$connect`'s own work, not on what other test files beside it do to two cores.
 */
const MEMBERS = 300;
const AT_ONCE = 50;
/** The bound on one `$connect` integration, however big the room already is. */
const CONNECT_BOUND_MS = 1_000;
type Frame = { type: string; count?: number; joined?: unknown[]; members?: unknown[] };
let rs: ReliabilityStack;
const connects: RouteInvocation[] = [];
beforeAll(async () => {
  rs = await startReliabilityStack({
    onInvocation: (invocation) => {
      if (invocation.routeKey === "$connect") connects.push(invocation);
    },
  });
});
afterAll(async () => {
  await rs?.stop();
});

describe("a join storm", () => {
  // Handshake percentiles against the room's size are measured by `pnpm bench join-storm`; here only the bound.
  it("admits every join within a second of $connect, and everyone ends up seeing the same, true member count", async () => {
    const { stack } = rs;
    const room = await rs.http.createRoom("Storm");
    // Members are connections: thirty users with ten sockets each; the first socket of each makes them a member.
    const users = await Promise.all(
      Array.from({ length: 30 }, (_, i) => createSession(stack.httpUrl, `User ${i}`)),
    );
    const clients: WsClient<Frame>[] = [];
    try {
      for (let start = 0; start < MEMBERS; start += AT_ONCE) {
        // Each wave takes its tickets just before it connects, as browsers do: from the second wave on, they say
        // their user is a member, and `$connect` is one transaction.
        const tickets = await Promise.all(
          Array.from({ length: AT_ONCE }, (_, i) =>
            ticketFor(stack.httpUrl, users[(start + i) % users.length]!, room.roomId),
          ),
        );
        const wave = await Promise.all(
          tickets.map((ticket) => connectClient<Frame>(connectUrl(stack.wsUrl, ticket))),
        );
        clients.push(...wave);
      }
      expect(clients).toHaveLength(MEMBERS);
      expect(connects).toHaveLength(MEMBERS);
      expect(connects.filter((c) => !c.ok)).toEqual([]);
      const durations = connects.map((c) => c.durationMs).sort((a, b) => a - b);
      const slowest = durations.at(-1)!;
      const at = (share: number) => Math.round(durations[Math.floor(share * (durations.length - 1))]!);
      console.log(
        `join storm: $connect of ${MEMBERS} took ${at(0.5)} ms (median), ${at(0.95)} ms (p95), ${Math.round(slowest)} ms (slowest)`,
      );
      expect(slowest).toBeLessThan(CONNECT_BOUND_MS);

      const lastCount = (client: WsClient<Frame>) =>
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
      // Past the detail limit a snapshot carries the count, not the list (that is paged over HTTP).
      expect(snapshot.memberCount).toBe(MEMBERS);
      expect(snapshot.members).toEqual([]);
      expect(rs.failures().escaped).toEqual([]);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  }, 120_000);
});
