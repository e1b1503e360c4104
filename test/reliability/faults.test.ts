import { Connection } from "@rooms/core/connection";
import type { ServerFrame } from "@rooms/core/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { everyoneReceived, type LiveClient, openLive, prepareLive } from "../support/live-client";
import { once } from "../support/once";
import { eventually, sleep } from "../support/wait";
import { type ReliabilityStack, startReliabilityStack } from "./support/reliability-stack";

/**
 * Faults: 20% of the members vanish without a $disconnect while messages flow. The stack runs with
 * `skipDisconnect` (GATEWAY_SKIP_DISCONNECT: a closed socket is dropped from the gateway and $disconnect never
 * runs, as AWS sometimes does), and the victims' sockets are terminated (TCP gone, no close frame). Live members
 * must still get everything exactly once; the victims must be pruned by the broadcasts that meet them (records
 * deleted, memberLeft announced once); and nothing may fail inside a handler.
 */
const ROOMS = 3;
const CLIENTS_PER_ROOM = 20;
const SENDERS_PER_ROOM = 2;
const MESSAGES_PER_SENDER = 30;
const MESSAGES_PER_ROOM = SENDERS_PER_ROOM * MESSAGES_PER_SENDER;
/** 4 of 20 per room: one dropped while the room is quiet (to see that no $disconnect ran), three mid-run. */
const QUIET_VICTIM = 5;
const RUNNING_VICTIMS = [9, 13, 17];
/** The mid-run drop happens once this many messages (all rooms) came back to their senders. */
const DROP_AFTER_ACKS = Math.round((ROOMS * MESSAGES_PER_ROOM) / 3);
/** This long without a frame to any member means the joins' presence announcements are all out. */
const PRESENCE_QUIET_MS = 1_500;

interface TestRoom {
  roomId: string;
  clients: LiveClient[];
  victims: LiveClient[];
  live: LiveClient[];
  records: Map<string, { connectionId: string; memberId: string }>;
}

let env: ReliabilityStack;
const rooms: TestRoom[] = [];

beforeAll(async () => {
  env = await startReliabilityStack({ skipDisconnect: true });
  for (let r = 0; r < ROOMS; r++) {
    const { roomId } = await env.http.createRoom(`faults ${r}`);
    rooms.push({ roomId, clients: [], victims: [], live: [], records: new Map() });
  }
  // Sessions and tickets first; then every member of every room joins at once: simultaneous joins must not
  // prune each other.
  const tickets = await Promise.all(
    rooms.map((room, r) =>
      Promise.all(
        Array.from({ length: CLIENTS_PER_ROOM }, (_, c) =>
          prepareLive(env.stack, { roomId: room.roomId, who: `r${r}-c${c}` }),
        ),
      ),
    ),
  );
  await Promise.all(
    rooms.map(async (room, r) => {
      room.clients.push(...(await Promise.all(tickets[r]!.map(openLive))));
      room.victims = [QUIET_VICTIM, ...RUNNING_VICTIMS].map((i) => room.clients[i]!);
      room.live = room.clients.filter((client) => !room.victims.includes(client));
      for (const record of await Connection.listByRoom(env.db, { roomId: room.roomId })) {
        const client = room.clients.find((c) => c.name === record.name);
        if (record.userId !== client?.session.user.userId)
          throw new Error(`${record.name}'s record is not its ticket's user: ${JSON.stringify(record)}`);
        room.records.set(record.name, { connectionId: record.connectionId, memberId: record.memberId });
      }
    }),
  );
  // The joins are announced from the table's stream a moment later: let those posts end before anyone vanishes,
  // or one of them meets the quiet victim's gone socket (410) and prunes it, and the room was not quiet.
  let last = -1;
  let quietSince = Date.now();
  await eventually(
    () => {
      const received = rooms
        .flatMap((room) => room.clients)
        .reduce((sum, client) => sum + client.received, 0);
      if (received !== last) [last, quietSince] = [received, Date.now()];
      return Date.now() - quietSince >= PRESENCE_QUIET_MS;
    },
    { timeoutMs: 30_000, describe: () => `presence still arriving (${last} frames)` },
  );
});

afterAll(async () => {
  await Promise.all(rooms.flatMap((room) => room.clients.map((client) => client.close().catch(() => {}))));
  await env?.stop();
});

const idOf = (r: number, s: number, n: number) => `r${r}-s${s}-${n}`;

/** One member per room vanishes while the room is quiet (no $disconnect runs for it). */
const dropQuietVictims = once(async () => {
  await Promise.all(rooms.map((room) => room.clients[QUIET_VICTIM]!.terminate()));
  await sleep(500);
});

/** After the quiet drop, every room's senders send while three more members per room vanish mid-run. */
const runMessages = once(async () => {
  await dropQuietVictims();
  let acks = 0;
  let dropRunning: Promise<unknown> | undefined;
  await Promise.all(
    rooms.flatMap(({ clients }, r) =>
      clients.slice(0, SENDERS_PER_ROOM).map(async (sender, s) => {
        for (let n = 0; n < MESSAGES_PER_SENDER; n++) {
          const clientMessageId = idOf(r, s, n);
          await sender.sendMessageAndWait({
            text: `message ${n} from ${sender.name}`,
            clientMessageId,
            timeoutMs: 30_000,
          });
          if (++acks === DROP_AFTER_ACKS) {
            dropRunning = Promise.all(
              rooms.flatMap((room) => RUNNING_VICTIMS.map((i) => room.clients[i]!.terminate())),
            );
          }
        }
      }),
    ),
  );
  await dropRunning;
  const live = rooms.flatMap((room) => room.live);
  await everyoneReceived(live, "message", MESSAGES_PER_ROOM, 60_000);
  await sleep(500);
});

describe("20% of members dropped without $disconnect while 3 rooms exchange 60 messages each", () => {
  it("a member dropped while the room is quiet keeps its record: the gateway skipped $disconnect", async () => {
    for (const room of rooms) expect(room.records.size).toBe(CLIENTS_PER_ROOM);
    await dropQuietVictims();
    for (const room of rooms) {
      const { connectionId } = room.records.get(room.clients[QUIET_VICTIM]!.name)!;
      const { data } = await env.db.entities.connection.get({ connectionId }).go({ consistent: true });
      expect(data?.name).toBe(room.clients[QUIET_VICTIM]!.name);
    }
  });

  it("live members get every message exactly once though members vanish mid-run", async () => {
    await runMessages();
    rooms.forEach((room, r) => {
      const expected = Array.from({ length: SENDERS_PER_ROOM }, (_, s) =>
        Array.from({ length: MESSAGES_PER_SENDER }, (_, n) => idOf(r, s, n)),
      )
        .flat()
        .sort();
      for (const client of room.live) {
        const ids = client.ofType("message").map((frame) => frame.message.clientMessageId);
        expect(ids, client.name).toHaveLength(MESSAGES_PER_ROOM);
        expect([...ids].sort(), client.name).toEqual(expected);
      }
    });
  });

  it("pruned every dropped member: records deleted, the rest kept", async () => {
    await runMessages();
    for (const room of rooms) {
      const names = (await Connection.listByRoom(env.db, { roomId: room.roomId })).map((c) => c.name).sort();
      expect(names).toEqual(room.live.map((c) => c.name).sort());
      for (const victim of room.victims) {
        const { connectionId } = room.records.get(victim.name)!;
        const { data } = await env.db.entities.connection.get({ connectionId }).go({ consistent: true });
        expect(data, `${victim.name}'s record`).toBeNull();
      }
    }
  });

  it("announced each dropped member's leave exactly once to every live member, and no one else's", async () => {
    await runMessages();
    for (const room of rooms) {
      const victimIds = room.victims.map((victim) => room.records.get(victim.name)!.memberId).sort();
      await eventually(() => room.live.every((client) => client.count("memberLeft") >= victimIds.length), {
        timeoutMs: 15_000,
        describe: () => room.live.map((c) => `${c.name}:${c.count("memberLeft")}`).join(" "),
      });
      await sleep(300);
      for (const client of room.live) {
        const left = client
          .ofType("memberLeft")
          .map((frame) => frame.member.memberId)
          .sort();
        expect(left, client.name).toEqual(victimIds);
      }
    }
  });

  it("a snapshot lists the live members only", async () => {
    await runMessages();
    for (const room of rooms) {
      const asker = room.live[0]!;
      const from = asker.frames.length;
      asker.send({ action: "sync" });
      const snapshot = await asker.waitFor<Extract<ServerFrame, { type: "snapshot" }>>(
        (f) => f.type === "snapshot",
        { from },
      );
      expect(snapshot.members.map((m) => m.name).sort()).toEqual(room.live.map((c) => c.name).sort());
    }
  });

  it("no error reached a live member, no error escaped a handler, no delivery problem was logged", async () => {
    await runMessages();
    const expectedTypes = new Set(["message", "memberJoined", "memberLeft", "snapshot"]);
    const unexpected = rooms.flatMap((room) =>
      room.live.flatMap((c) => c.frames.filter((f) => !expectedTypes.has(String(f.type)))),
    );
    expect(unexpected).toEqual([]);
    const { escaped, deliveryWarnings } = env.failures();
    expect(escaped).toEqual([]);
    expect(deliveryWarnings.map((w) => w.line)).toEqual([]);
  });
});
