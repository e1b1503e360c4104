import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ConnectionsApiServer,
  startConnectionsApiServer,
} from "../../../../test/support/connections-api-server";
import { sleep } from "../../../../test/support/wait";
import { type ConnectionSender, createApiGatewaySender } from "../../src/broadcast";
import type { ConnectionItem } from "../../src/connection";
import type { Db } from "../../src/db";
import type { DelayedJobQueue, PresenceDigestJob } from "../../src/fanout";
import { Presence } from "../../src/presence";
import { Room } from "../../src/room";
import { seedConnections } from "../support/seed-connections";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

/**
 * Digests of rooms past the presence-detail limit, on DynamoDB Local with a real @connections server: a batch
 * that finds the room's digest slot taken never waits; it leaves one delayed job (the queue is recorded here, the
 * one seam faked) that announces the storm's last changes when it comes due.
 */
let db: Db;
let api: ConnectionsApiServer;
let sender: ConnectionSender;
beforeAll(async () => {
  ({ db } = await createTestDb());
  api = await startConnectionsApiServer();
  sender = createApiGatewaySender({ endpoint: api.endpoint });
});
afterAll(() => api.close());
beforeEach(() => api.clear());

/** The fan-out queue as the presence announcer sees it: records each delayed job, or refuses while `refuse` says. */
function recordingScheduler() {
  const jobs: { job: PresenceDigestJob; delaySeconds: number }[] = [];
  const scheduler: DelayedJobQueue & { refuse: boolean } = {
    refuse: false,
    async schedule(job, delaySeconds) {
      if (scheduler.refuse) throw new Error("SQS is unavailable");
      jobs.push({ job, delaySeconds });
    },
  };
  return { jobs, scheduler };
}

const DETAIL_LIMIT = 2;
const INTERVAL_MS = 2_500;

async function largeRoom(count: number) {
  const room = await Room.create(db, { input: { name: "digests" }, caller: newUser("Owner") });
  const connections = await seedConnections(db, { roomId: room.roomId, count, prefix: `d${count}x` });
  return { roomId: room.roomId, connections };
}

const joins = (connections: ConnectionItem[]) =>
  connections.map((connection) => ({ kind: "joined" as const, connection }));

const digestsTo = (connectionId: string) =>
  api.framesFor(connectionId).filter((frame: any) => frame.type === "presence") as any[];

const namesOf = (digest: { joined: { name: string }[] }) => digest.joined.map((m) => m.name);

/** Waits until a delayed job is due, as SQS would hold it. */
const untilDue = (job: PresenceDigestJob) => sleep(Math.max(0, job.due - Date.now()));

describe("presence digests past the detail limit", () => {
  it("batches that find the slot taken schedule one delayed job between them, and it announces the storm's last joins", async () => {
    const { connections } = await largeRoom(6);
    const { jobs, scheduler } = recordingScheduler();
    const options = { sender, scheduler, detailLimit: DETAIL_LIMIT, intervalMs: INTERVAL_MS };

    const [first] = await Presence.announce(db, { ...options, changes: joins(connections.slice(0, 3)) });
    expect(first).toMatchObject({ mode: "digest" });
    const later = await Promise.all(
      connections.slice(3).map((c) => Presence.announce(db, { ...options, changes: joins([c]) })),
    );
    expect(
      later
        .flat()
        .map((r) => r.mode)
        .sort(),
    ).toEqual(["queued", "queued", "scheduled"]);
    expect(jobs).toHaveLength(1);
    // The slot's remaining time (at most 2.5 s) rounded up, plus the margin.
    expect(jobs[0]!.delaySeconds).toBeGreaterThanOrEqual(2);
    expect(jobs[0]!.delaySeconds).toBeLessThanOrEqual(4);
    expect(digestsTo(connections[0]!.connectionId)).toHaveLength(1);

    await untilDue(jobs[0]!.job);
    const outcome = await Presence.announceDue(db, { ...options, job: jobs[0]!.job });
    expect(outcome.mode).toBe("digest");
    const digests = digestsTo(connections[0]!.connectionId);
    expect(digests.map((d) => d.count)).toEqual([6, 6]);
    expect(namesOf(digests[1]).sort()).toEqual(["member 3", "member 4", "member 5"]);
    expect(jobs).toHaveLength(1);
  });

  it("a job that comes before the slot frees schedules its successor once, however often it is delivered", async () => {
    const { roomId, connections } = await largeRoom(4);
    const { jobs, scheduler } = recordingScheduler();
    const options = { sender, scheduler, detailLimit: DETAIL_LIMIT, intervalMs: INTERVAL_MS };
    await Presence.announce(db, { ...options, changes: joins(connections.slice(0, 3)) });
    await Presence.announce(db, { ...options, changes: joins(connections.slice(3)) });
    const [early] = jobs;

    // As if SQS (or a skewed clock) ran it at once: the slot is still taken and a name is queued.
    expect((await Presence.announceDue(db, { ...options, job: early!.job })).mode).toBe("scheduled");
    // A second delivery of the same job finds its successor pending and leaves it alone.
    expect((await Presence.announceDue(db, { ...options, job: early!.job })).mode).toBe("queued");
    expect(jobs).toHaveLength(2);
    expect((await Presence.read(db, { roomId }))?.trailingDue).toBe(jobs[1]!.job.due);

    await untilDue(jobs[1]!.job);
    expect((await Presence.announceDue(db, { ...options, job: jobs[1]!.job })).mode).toBe("digest");
    expect(namesOf(digestsTo(connections[0]!.connectionId).at(-1))).toEqual(["member 3"]);
    expect((await Presence.read(db, { roomId }))?.trailingDue).toBeUndefined();
  });

  it("a job whose names a later digest already sent sends nothing and ends its pending mark", async () => {
    const { roomId, connections } = await largeRoom(5);
    const { jobs, scheduler } = recordingScheduler();
    const options = { sender, scheduler, detailLimit: DETAIL_LIMIT, intervalMs: INTERVAL_MS };
    await Presence.announce(db, { ...options, changes: joins(connections.slice(0, 3)) });
    await Presence.announce(db, { ...options, changes: joins(connections.slice(3, 4)) });
    expect(jobs).toHaveLength(1);
    // The slot frees before the job runs, and a batch arriving then takes it: its digest names both.
    await sleep(INTERVAL_MS + 50);
    const [batch] = await Presence.announce(db, { ...options, changes: joins(connections.slice(4)) });
    expect(batch).toMatchObject({ mode: "digest" });
    expect(namesOf(digestsTo(connections[0]!.connectionId).at(-1)).sort()).toEqual(["member 3", "member 4"]);

    api.clear();
    expect((await Presence.announceDue(db, { ...options, job: jobs[0]!.job })).mode).toBe("queued");
    expect(api.recipients()).toEqual([]);
    expect((await Presence.read(db, { roomId }))?.trailingDue).toBeUndefined();
  });

  it("a job the queue refused leaves no pending mark: the batch fails, and its retry schedules it", async () => {
    const { roomId, connections } = await largeRoom(4);
    const { jobs, scheduler } = recordingScheduler();
    const options = { sender, scheduler, detailLimit: DETAIL_LIMIT, intervalMs: INTERVAL_MS };
    await Presence.announce(db, { ...options, changes: joins(connections.slice(0, 3)) });
    scheduler.refuse = true;
    await expect(Presence.announce(db, { ...options, changes: joins(connections.slice(3)) })).rejects.toThrow(
      /SQS is unavailable/,
    );
    expect((await Presence.read(db, { roomId }))?.trailingDue).toBeUndefined();

    scheduler.refuse = false;
    const [retry] = await Presence.announce(db, { ...options, changes: joins(connections.slice(3)) });
    expect(retry).toMatchObject({ mode: "scheduled" });
    expect(jobs).toHaveLength(1);
  });

  it("a bigger room holds the slot longer: a digest to n members keeps the next one n / postsPerSecond away", async () => {
    const { roomId, connections } = await largeRoom(30);
    const { jobs, scheduler } = recordingScheduler();
    // 30 members at 5 posts/s: 6 s between digests, though the minimum is 100 ms (a slot this long is still taken
    // when the second batch comes, however slowly a busy machine sends the first digest).
    const options = { sender, scheduler, detailLimit: DETAIL_LIMIT, intervalMs: 100, postsPerSecond: 5 };
    await Presence.announce(db, { ...options, changes: joins(connections.slice(0, 29)) });
    const { digestAt } = (await Presence.read(db, { roomId }))!;
    await sleep(300);
    const [second] = await Presence.announce(db, { ...options, changes: joins(connections.slice(29)) });
    expect(second).toMatchObject({ mode: "scheduled" });
    // Due no sooner than 30 / 5 s after the digest (on the marker's clock), not 100 ms after it.
    expect(jobs[0]!.job.due).toBeGreaterThanOrEqual(digestAt! + (30 * 1_000) / 5);
    expect(digestsTo(connections[0]!.connectionId)).toHaveLength(1);
  });

  it("without the fan-out queue a taken slot is an error (the batch is retried), never a silent loss", async () => {
    const { connections } = await largeRoom(4);
    const options = { sender, detailLimit: DETAIL_LIMIT, intervalMs: INTERVAL_MS };
    await Presence.announce(db, { ...options, changes: joins(connections.slice(0, 3)) });
    await expect(Presence.announce(db, { ...options, changes: joins(connections.slice(3)) })).rejects.toThrow(
      /fan-out queue/,
    );
  });
});
