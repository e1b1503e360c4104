/**
 * A join storm through the real local stack (gateway, authorizer, `$connect`, the table stream's presence worker
 * on DynamoDB Local's real stream, delayed digests through the fan-out queue's emulation), with the default
 * presence settings (detail limit 100; digests at most every 2 s and at most PRESENCE_DIGEST_POSTS_PER_SECOND posts
 * per second per room: a digest to n members waits n / that many seconds after the last): N sockets join one room,
 * 50 at a time. Measures each handshake (authorizer + `$connect`, as the client sees it) by the room's size when it
 * started, and counts every presence frame the members received (memberJoined + `presence`: one post each) against
 * what announcing each join inline costs, N(N-1)/2.
 */

import { PRESENCE_DIGEST_POSTS_PER_SECOND } from "../../packages/core/src/presence";
import { connectUrl, createRoom, createSession, ticketFor } from "../../test/support/room-session";
import { openClient, WsClient } from "../../test/support/ws-client";
import { sized } from "../support/quick";
import { startStackInChild } from "../support/stack-in-child";
import { mapConcurrently, ms, percentile, ratio } from "../support/stats";
import type { BenchTable } from "../table";

const MEMBERS = sized(1_000, 200);
const AT_ONCE = 50;
/** Sockets per user: members are connections, and tickets are per user (the stack's limits are raised anyway). */
const SOCKETS_PER_USER = 25;

type Frame = { type?: string; count?: number; joined?: unknown[] };

/** A socket that keeps no frames, only counts of the presence ones and the last digest's count. */
class CountingClient extends WsClient<Frame> {
  memberJoined = 0;
  digests = 0;
  lastCount: number | undefined;
  digestCounts: number[] = [];
  constructor(socket: ConstructorParameters<typeof WsClient>[0]) {
    super(socket, { keepFrames: false });
    this.onFrame = (frame) => {
      if (frame.type === "memberJoined") this.memberJoined++;
      if (frame.type === "presence") {
        this.digests++;
        this.lastCount = frame.count;
        if (frame.count !== undefined) this.digestCounts.push(frame.count);
      }
    };
  }
}

export async function run(): Promise<BenchTable[]> {
  const stack = await startStackInChild();
  const clients: CountingClient[] = [];
  try {
    const owner = await createSession(stack.httpUrl, "Owner");
    const room = await createRoom(stack.httpUrl, owner, { name: "Storm" });
    const users = await mapConcurrently(
      Array.from({ length: Math.ceil(MEMBERS / SOCKETS_PER_USER) }, (_, i) => `User ${i}`),
      8,
      (name) => createSession(stack.httpUrl, name),
    );
    // Tickets live 60 s: each wave takes its own just before it joins (not timed).
    const ticketsFor = (start: number) =>
      mapConcurrently(
        Array.from(
          { length: Math.min(AT_ONCE, MEMBERS - start) },
          (_, i) => users[(start + i) % users.length]!,
        ),
        16,
        (user) => ticketFor(stack.httpUrl, user, room.roomId),
      );

    const waves: { roomSize: number; handshakes: number[] }[] = [];
    const refused = new Map<string, number>();
    let joiningMs = 0;
    for (let start = 0; start < MEMBERS; start += AT_ONCE) {
      const tickets = await ticketsFor(start);
      const handshakes: number[] = [];
      const waveStarted = performance.now();
      await Promise.all(
        tickets.map(async (ticket) => {
          const began = performance.now();
          try {
            clients.push(await openClient(connectUrl(stack.wsUrl, ticket), (s) => new CountingClient(s)));
            handshakes.push(performance.now() - began);
          } catch (error) {
            const status = String((error as { status?: number }).status ?? (error as Error).message);
            refused.set(status, (refused.get(status) ?? 0) + 1);
          }
        }),
      );
      joiningMs += performance.now() - waveStarted;
      waves.push({ roomSize: start, handshakes });
    }
    const joinedAt = performance.now();
    // Announced once every member's last digest counts everyone.
    const deadline = Date.now() + 120_000;
    while (!clients.every((c) => c.lastCount === MEMBERS) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const settledAt = performance.now();
    const consistent = clients.filter((c) => c.lastCount === MEMBERS).length;

    const all = waves.flatMap((w) => w.handshakes);
    const presencePosts = clients.reduce((sum, c) => sum + c.memberJoined + c.digests, 0);
    const inline = (MEMBERS * (MEMBERS - 1)) / 2;
    const first = waves[0]!.handshakes;
    const last = waves.at(-1)!.handshakes;
    const p95 = (samples: number[]) => (samples.length ? ms(percentile(samples, 0.95)) : "none admitted");
    const refusals = [...refused].map(([status, n]) => `${n} x ${status}`).join(", ") || "none";
    return [
      {
        title: `Join storm: ${MEMBERS} members joining one room, ${AT_ONCE} at a time (measured, local stack)`,
        columns: ["what", "value"],
        rows: [
          ["joins admitted", `${all.length} / ${MEMBERS} (refused: ${refusals})`],
          [
            "handshake p50 / p95 / max, ms",
            `${ms(percentile(all, 0.5))} / ${ms(percentile(all, 0.95))} / ${ms(Math.max(...all))}`,
          ],
          [
            `p95 of the first wave (room 0) / of the last (room ${waves.at(-1)!.roomSize}), ms`,
            `${p95(first)} / ${p95(last)}${first.length && last.length ? ` (${ratio(percentile(last, 0.95), percentile(first, 0.95))})` : ""}`,
          ],
          ["time spent joining (waves only, tickets excluded), s", (joiningMs / 1000).toFixed(1)],
          [
            "every member's last digest counts all, after the last join, s",
            `${((settledAt - joinedAt) / 1000).toFixed(1)} (${consistent} / ${clients.length} consistent)`,
          ],
          ["presence posts (memberJoined + presence frames received)", presencePosts],
          [
            "of which memberJoined (while the room had <= 100)",
            clients.reduce((s, c) => s + c.memberJoined, 0),
          ],
          ["presence posts / N (goal <= 3)", (presencePosts / MEMBERS).toFixed(2)],
          [
            "digests the first member received (counts they carried)",
            `${clients[0]?.digests ?? 0} (${clients[0]?.digestCounts.join(", ") ?? ""})`,
          ],
          ["inline memberJoined in $connect (computed: N(N-1)/2)", inline],
          ["presence posts vs inline", ratio(presencePosts, inline)],
        ],
        notes: [
          "Handshake = ticket authorizer + $connect as the client sees it, on this 2-core machine shared with DynamoDB Local and the clients.",
          "Presence posts below 100 members are memberJoined (each join to everyone there: ~100²/2); above, `presence` digests, " +
            `each to n members at least max(2 s, n / ${PRESENCE_DIGEST_POSTS_PER_SECOND} s) after the last: a storm shorter than N / ${PRESENCE_DIGEST_POSTS_PER_SECOND} s gets two (the first past 100, the one after the storm), a longer one ${PRESENCE_DIGEST_POSTS_PER_SECOND} posts per second more.`,
          ...(stack.problems.length ? [`stack problems: ${stack.problems.slice(0, 3).join(" | ")}`] : []),
        ],
      },
    ];
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await stack.stop();
  }
}
