import { Connection } from "@rooms/core/connection";
import type { Db } from "@rooms/core/db";
import { Room as Rooms } from "@rooms/core/room";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectionsApiServer } from "../../../../test/support/connections-api-server";
import pageFixture from "../events/sqs/fan-out-page.json" with { type: "json" };
import { wsConnectEvent } from "../support/events";
import { type Invoke, loadHandler, startHandlerEnv } from "../support/handler-env";

/** The fan-out queue's worker, invoked with a real SQS event whose body is a page as the sender queues it. */
let env: Awaited<ReturnType<typeof startHandlerEnv>>;
let db: Db;
let api: ConnectionsApiServer;
let connect: Invoke;
let worker: Invoke;

beforeAll(async () => {
  env = await startHandlerEnv();
  ({ db, connections: api } = env);
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

describe("fan-out worker", () => {
  it("posts its page's frame to its page's connections only, prunes a gone one, and reports no failure", async () => {
    const { user: owner } = await env.signIn("Owner");
    const room = await Rooms.create(db, { input: { name: "paged" }, caller: owner });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { user } = await env.signIn(`P${i}`);
      ids.push(`p${i}-Zg=`);
      await connect(wsConnectEvent(ids[i]!, { ...user, roomId: room.roomId }));
    }
    api.gone.add(ids[2]!);
    const frame = { type: "todoDeleted", todoId: "01ARZ3NDEKTSV4RRFFQ69G5FAV" };

    const result = await worker(sqsEvent({ roomId: room.roomId, frame, connectionIds: ids.slice(0, 3) }));

    expect(result).toEqual({ batchItemFailures: [] });
    expect(api.recipients().sort()).toEqual([ids[0], ids[1]].sort());
    expect(api.framesFor(ids[0]!)).toEqual([frame]);
    expect(await Connection.get(db, { connectionId: ids[2]! })).toBeNull();
    expect(await Connection.get(db, { connectionId: ids[3]! })).not.toBeNull();
  });

  it("a body that is not a page fails the invocation (SQS hands it out again, then dead-letters it)", async () => {
    await expect(worker(sqsEvent({ hello: "world" }))).rejects.toThrow(/Not a fan-out page/);
    expect(api.recipients()).toEqual([]);
  });
});
