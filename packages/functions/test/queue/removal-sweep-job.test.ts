import { Connection } from "@rooms/core/connection";
import type { Db } from "@rooms/core/db";
import { Membership } from "@rooms/core/membership";
import { Room as Rooms } from "@rooms/core/room";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectionsApiServer } from "../../../../test/support/connections-api-server";
import pageFixture from "../events/sqs/fan-out-page.json" with { type: "json" };
import { wsConnectEvent } from "../support/events";
import { captureLogs, type Invoke, loadHandler, startHandlerEnv } from "../support/handler-env";

/** The fan-out queue's worker given a removal's delayed sweep, as `DELETE /rooms/{roomId}/members/{userId}` queues it. */
let env: Awaited<ReturnType<typeof startHandlerEnv>>;
let db: Db;
let api: ConnectionsApiServer;
let connect: Invoke;
let worker: Invoke;
let logs: Record<string, any>[];

beforeAll(async () => {
  env = await startHandlerEnv();
  ({ db, connections: api } = env);
  logs = await captureLogs();
  connect = await loadHandler("ws/connect");
  worker = await loadHandler("queue/deliver-fan-out-page");
});
afterAll(() => env.close());
beforeEach(() => api.clear());

function sqsEvent(body: unknown) {
  const event = structuredClone(pageFixture);
  event.Records[0]!.body = JSON.stringify(body);
  return event;
}

async function roomWithRex(name: string) {
  const { user: owner } = await env.signIn("Owner");
  const room = await Rooms.create(db, { input: { name }, caller: owner });
  const { user: rex } = await env.signIn("Rex");
  const socket = `rex-${name}-Zg=`;
  await connect(wsConnectEvent(socket, { ...rex, roomId: room.roomId }));
  return { owner, room, rex, socket };
}

describe("fan-out worker: a removal sweep", () => {
  it("deletes a removed user's remaining record, tells the socket `removed` and closes it", async () => {
    const { owner, room, rex, socket } = await roomWithRex("swept");
    // The removal's own pass missed this socket: the membership is gone, the record is not.
    await Membership.remove(db, { input: { roomId: room.roomId, userId: rex.userId }, caller: owner });
    const job = {
      kind: "removalSweep",
      roomId: room.roomId,
      userId: rex.userId,
      notify: true,
      connectionIds: [],
    };

    expect(await worker(sqsEvent(job))).toEqual({ batchItemFailures: [] });

    expect(await Connection.get(db, { connectionId: socket })).toBeNull();
    expect(api.framesFor(socket)).toEqual([{ type: "removed", roomId: room.roomId }]);
    expect(api.closed).toEqual([socket]);
    expect(logs.findLast((line) => line.message === "removal sweep")).toMatchObject({
      roomId: room.roomId,
      closed: 1,
      failed: 0,
    });
  });

  it("leaves a user who is a member again alone", async () => {
    const { room, rex, socket } = await roomWithRex("readmitted");
    const job = {
      kind: "removalSweep",
      roomId: room.roomId,
      userId: rex.userId,
      notify: true,
      connectionIds: [socket],
    };

    expect(await worker(sqsEvent(job))).toEqual({ batchItemFailures: [] });

    expect(await Connection.get(db, { connectionId: socket })).not.toBeNull();
    expect(api.closed).toEqual([]);
    expect(api.recipients()).toEqual([]);
  });
});
