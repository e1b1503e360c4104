import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { BroadcastLogEntry, SendOutcome } from "../../src/broadcast";
import { Connection } from "../../src/connection";
import type { Db } from "../../src/db";
import type { DelayedJobQueue, RemovalSweepJob } from "../../src/fanout";
import { Membership } from "../../src/membership";
import type { User } from "../../src/protocol";
import { joinRoom, REMOVAL_SWEEP_DELAY_SECONDS, removeMember, sweepRemovedSockets } from "../../src/realtime";
import { Room } from "../../src/room";
import { recordingSender } from "../support/recording-sender";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

// A removal closes the user's sockets now and again a few seconds later (the sweep, a delayed job on the fan-out
// queue), since gsi1 may not list a socket stored just before, and a close may fail.

let db: Db;
beforeAll(async () => ({ db } = await createTestDb()));

/** The @connections seam (the one fake): posts recorded; each close answers the next scripted outcome, else delivered. */
const recording = recordingSender();
const closeAnswers = new Map<string, SendOutcome[]>();
const closeCalls: string[] = [];
const sender = {
  send: recording.sender.send,
  async close({ connectionId }: { connectionId: string }): Promise<SendOutcome> {
    closeCalls.push(connectionId);
    return closeAnswers.get(connectionId)?.shift() ?? { status: "delivered" };
  },
};
const logged: BroadcastLogEntry[] = [];
const delivery = { sender, log: (entry: BroadcastLogEntry) => logged.push(entry), sleep: async () => {} };

/** The fan-out queue as a removal sees it: records each delayed job, or refuses while `refuse` says. */
const jobs: { job: RemovalSweepJob; delaySeconds: number }[] = [];
const sweeper: DelayedJobQueue<RemovalSweepJob> & { refuse: boolean } = {
  refuse: false,
  async schedule(job, delaySeconds) {
    if (sweeper.refuse) throw new Error("SQS is unavailable");
    jobs.push({ job, delaySeconds });
  },
};

beforeEach(() => {
  recording.clear();
  closeAnswers.clear();
  closeCalls.length = 0;
  logged.length = 0;
  jobs.length = 0;
  sweeper.refuse = false;
});

const owner = newUser("Olga");
let nextSocket = 0;
async function join(roomId: string, user: User) {
  const connectionId = `${user.name}-${++nextSocket}=`;
  await joinRoom({ db, connectionId, claims: { ...user, roomId } });
  return connectionId;
}
async function roomWithRex() {
  const room = await Room.create(db, { input: { name: "sweep" }, caller: owner });
  const rex = newUser("Rex");
  const sockets = [await join(room.roomId, rex), await join(room.roomId, rex)];
  const ownerSocket = await join(room.roomId, owner);
  return { roomId: room.roomId, rex, sockets, ownerSocket };
}
const remove = (roomId: string, userId: string, caller = owner) =>
  removeMember({ db, delivery, sweeper, input: { roomId, userId }, caller });
/** The one sweep the removal scheduled. */
function onlyJob(): RemovalSweepJob {
  expect(jobs).toHaveLength(1);
  return jobs[0]!.job;
}
const removedFrames = (connectionId: string, roomId: string) =>
  recording.framesFor(connectionId).filter((f) => f.type === "removed" && f.roomId === roomId).length;

describe("removeMember's first pass", () => {
  it("schedules the sweep before writing, with the sockets it listed, REMOVAL_SWEEP_DELAY_SECONDS later", async () => {
    const { roomId, rex, sockets } = await roomWithRex();
    await remove(roomId, rex.userId);
    expect(jobs).toEqual([
      {
        job: {
          kind: "removalSweep",
          roomId,
          userId: rex.userId,
          notify: true,
          connectionIds: expect.arrayContaining(sockets),
        },
        delaySeconds: REMOVAL_SWEEP_DELAY_SECONDS,
      },
    ]);
    expect(REMOVAL_SWEEP_DELAY_SECONDS).toBeGreaterThanOrEqual(1);
  });

  it("a sweep that cannot be scheduled fails the removal with nothing written, nothing closed", async () => {
    const { roomId, rex, sockets } = await roomWithRex();
    sweeper.refuse = true;
    await expect(remove(roomId, rex.userId)).rejects.toThrow("SQS is unavailable");
    expect(await Membership.get(db, { roomId, userId: rex.userId })).not.toBeNull();
    for (const connectionId of sockets) expect(await Connection.get(db, { connectionId })).not.toBeNull();
    expect(closeCalls).toEqual([]);
    expect(recording.sent.size).toBe(0);
  });

  it("deletes the user's records (no broadcast reaches them) and retries a throttled or failing close", async () => {
    const { roomId, rex, sockets, ownerSocket } = await roomWithRex();
    const [first, second] = sockets as [string, string];
    closeAnswers.set(first, [{ status: "retryable", reason: "LimitExceededException (HTTP 429)" }]);
    closeAnswers.set(second, [{ status: "retryable", reason: "InternalServerError (HTTP 500)" }]);
    expect(await remove(roomId, rex.userId)).toEqual({ roomId, closed: 2 });
    expect(closeCalls.filter((id) => id === first)).toHaveLength(2);
    expect(closeCalls.filter((id) => id === second)).toHaveLength(2);
    for (const connectionId of sockets) {
      expect(await Connection.get(db, { connectionId })).toBeNull();
      expect(removedFrames(connectionId, roomId)).toBe(1);
    }
    expect((await Connection.listByRoom(db, { roomId })).map((c) => c.connectionId)).toEqual([ownerSocket]);
    expect(logged).toEqual([]);
  });
});

describe("the sweep (sweepRemovedSockets)", () => {
  it("deletes and closes a socket the first pass missed (stored before the removal, not yet on gsi1)", async () => {
    const { roomId, rex } = await roomWithRex();
    await remove(roomId, rex.userId);
    const job = onlyJob();
    // What the index lag hides: a record of rex's that the removal's listing did not see.
    const missed = Connection.newRecord({ connectionId: "rex-missed=", claims: { ...rex, roomId } });
    await Connection.save(db, missed);
    recording.clear();
    closeCalls.length = 0;
    const outcome = await sweepRemovedSockets(db, { job, delivery });
    expect(await Connection.get(db, { connectionId: "rex-missed=" })).toBeNull();
    expect(closeCalls).toContain("rex-missed=");
    expect(removedFrames("rex-missed=", roomId)).toBe(1);
    expect(outcome).toMatchObject({ failed: 0, readmitted: false });
    expect(outcome.closed).toBeGreaterThanOrEqual(1);
  });

  it("closes again a socket whose close failed in the first pass; one still failing is counted for a retry", async () => {
    const { roomId, rex, sockets } = await roomWithRex();
    const [stuck] = sockets as [string];
    closeAnswers.set(stuck, [{ status: "failed", reason: "AccessDeniedException (HTTP 403)" }]);
    expect(await remove(roomId, rex.userId)).toEqual({ roomId, closed: 1 });
    expect(logged).toEqual([expect.objectContaining({ event: "close_failed", connectionId: stuck, roomId })]);
    // Its record is gone already (nothing is broadcast to it), so only the job remembers the socket.
    expect(await Connection.get(db, { connectionId: stuck })).toBeNull();
    const job = onlyJob();

    closeAnswers.set(stuck, [{ status: "failed", reason: "AccessDeniedException (HTTP 403)" }]);
    expect(await sweepRemovedSockets(db, { job, delivery })).toMatchObject({ failed: 1 });

    closeCalls.length = 0;
    const repeat = await sweepRemovedSockets(db, { job, delivery });
    expect(repeat).toMatchObject({ failed: 0, readmitted: false });
    expect(closeCalls).toContain(stuck);
  });

  it("does nothing for a user readmitted meanwhile", async () => {
    const { roomId, rex } = await roomWithRex();
    await remove(roomId, rex.userId);
    const job = onlyJob();
    await Membership.join(db, { room: await Room.get(db, { roomId }), user: rex });
    const back = await join(roomId, rex);
    recording.clear();
    closeCalls.length = 0;
    expect(await sweepRemovedSockets(db, { job, delivery })).toEqual({
      closed: 0,
      gone: 0,
      failed: 0,
      readmitted: true,
    });
    expect(closeCalls).toEqual([]);
    expect(await Connection.get(db, { connectionId: back })).not.toBeNull();
  });

  it("after a member left (`me`): closes without telling them `removed`", async () => {
    const { roomId, rex, sockets } = await roomWithRex();
    await remove(roomId, "me", rex);
    const job = onlyJob();
    expect(job.notify).toBe(false);
    const missed = Connection.newRecord({ connectionId: "rex-left=", claims: { ...rex, roomId } });
    await Connection.save(db, missed);
    await sweepRemovedSockets(db, { job, delivery });
    expect(await Connection.get(db, { connectionId: "rex-left=" })).toBeNull();
    for (const connectionId of [...sockets, "rex-left="])
      expect(recording.framesFor(connectionId)).toEqual([]);
  });
});
