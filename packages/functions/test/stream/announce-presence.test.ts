import { type AttributeValue, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { Db } from "@rooms/core/db";
import { Room as Rooms } from "@rooms/core/room";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectionsApiServer } from "../../../../test/support/connections-api-server";
import { RAISED_LIMITS } from "../../../../test/support/raised-limits";
import { eventually } from "../../../../test/support/wait";
import { silentLogger } from "../../../local/src/gateway-logger";
import { type LocalQueues, startLocalQueues } from "../../../local/src/sqs-emulation";
import insertFixture from "../events/dynamodb-stream/connection-insert.json" with { type: "json" };
import { wsConnectEvent, wsDisconnectEvent } from "../support/events";
import { type Invoke, loadHandler, startHandlerEnv } from "../support/handler-env";

/**
 * The table stream's presence worker, invoked with real DynamoDB Streams events made from the records $connect
 * wrote (NewImage) and $disconnect deleted (OldImage), as the event source mapping would hand them over. The
 * fan-out queue is the local SQS emulation, its worker the real fan-out handler: delayed digests run there.
 */
let env: Awaited<ReturnType<typeof startHandlerEnv>>;
let db: Db;
let api: ConnectionsApiServer;
let queues: LocalQueues;
const handlers: Record<string, Invoke> = {};

beforeAll(async () => {
  // Three live members are a small room, more a large one (the stage's presenceDetailLimit, Resource.Limits).
  env = await startHandlerEnv({ limits: { ...RAISED_LIMITS, presenceDetailLimit: 3 } });
  ({ db, connections: api } = env);
  queues = await startLocalQueues({
    logger: silentLogger,
    queues: [
      {
        name: "FanOut",
        handler: { routeKey: "FanOut", handler: (event) => handlers["queue/deliver-fan-out-page"]!(event) },
        timeoutMs: 10_000,
        workers: 2,
        batchSize: 1,
        visibilityTimeoutMs: 5_000,
        maxReceiveCount: 3,
      },
    ],
  });
  process.env.SST_RESOURCE_FanOut = JSON.stringify({ url: queues.queues.FanOut!.url });
  for (const module of [
    "ws/connect",
    "ws/disconnect",
    "stream/announce-presence",
    "queue/deliver-fan-out-page",
  ])
    handlers[module] = await loadHandler(module);
});
afterAll(async () => {
  await queues?.stop();
  await env.close();
});
beforeEach(() => {
  api.clear();
  delete process.env.PRESENCE_DIGEST_INTERVAL_MS;
});

let nextId = 0;
/** Members joined through the real $connect; returns their connection ids and stored images. */
async function roomWith(count: number) {
  const { user: owner } = await env.signIn("Owner");
  const room = await Rooms.create(db, { input: { name: `presence ${++nextId}` }, caller: owner });
  const members: { id: string; image: Record<string, AttributeValue> }[] = [];
  for (let i = 0; i < count; i++) {
    const { user } = await env.signIn(`M${i}`);
    const id = `m${i}-${nextId}-Zg=`;
    await handlers["ws/connect"]!(wsConnectEvent(id, { ...user, roomId: room.roomId }));
    members.push({ id, image: await storedImage(id) });
  }
  api.clear();
  return { room, members };
}

async function storedImage(connectionId: string) {
  const { Item } = await env.client.send(
    new GetItemCommand({
      TableName: env.table,
      Key: { pk: { S: `$rooms#connectionId_${connectionId}` }, sk: { S: "$connection_1" } },
      ConsistentRead: true,
    }),
  );
  if (!Item) throw new Error(`no record for ${connectionId}`);
  return Item;
}

/** A stream event: INSERT with the NewImage, REMOVE with the OldImage, in the given order. */
function streamEvent(
  changes: { kind: "INSERT" | "REMOVE" | "MODIFY"; image: Record<string, AttributeValue> }[],
) {
  const [template] = structuredClone(insertFixture).Records;
  return {
    Records: changes.map(({ kind, image }, i) => {
      const { NewImage: _, ...dynamodb } = template!.dynamodb;
      const keys = { pk: image.pk, sk: image.sk };
      return {
        ...template,
        eventID: `${template!.eventID}-${i}`,
        eventName: kind,
        dynamodb: {
          ...dynamodb,
          Keys: keys,
          ...(kind !== "REMOVE" && { NewImage: image }),
          ...(kind !== "INSERT" && { OldImage: image }),
        },
      };
    }),
  };
}

const types = (connectionId: string) => api.framesFor(connectionId).map((f: any) => f.type);

describe("presence worker", () => {
  it("a small room: memberJoined to those already there (not the joiner), memberLeft to the rest", async () => {
    const { members } = await roomWith(3);
    const [first, second, third] = members;
    await handlers["stream/announce-presence"]!(streamEvent([{ kind: "INSERT", image: third!.image }]));
    for (const { id } of [first!, second!]) expect(types(id)).toEqual(["memberJoined"]);
    expect(api.framesFor(first!.id)[0]).toMatchObject({ member: { name: "M2" } });
    expect(types(third!.id)).toEqual([]);

    api.clear();
    await handlers["ws/disconnect"]!(wsDisconnectEvent(second!.id));
    await handlers["stream/announce-presence"]!(
      streamEvent([
        { kind: "MODIFY", image: first!.image },
        { kind: "REMOVE", image: second!.image },
      ]),
    );
    for (const { id } of [first!, third!])
      expect(api.framesFor(id)).toEqual([
        { type: "memberLeft", member: expect.objectContaining({ name: "M1" }) },
      ]);
  });

  it("past the detail limit: a digest at once; a batch that finds the slot taken returns at once, and the delayed job it scheduled sends the rest", async () => {
    process.env.PRESENCE_DIGEST_INTERVAL_MS = "1500";
    const { members } = await roomWith(5);
    const inserts = members.map(({ image }) => ({ kind: "INSERT" as const, image }));
    const fanOut = queues.queues.FanOut!;
    const receivedBefore = fanOut.received();

    await handlers["stream/announce-presence"]!(streamEvent(inserts.slice(0, 3)));
    await handlers["stream/announce-presence"]!(streamEvent(inserts.slice(3)));
    // The second batch did not wait for the slot: its members are not announced yet, a job is on the queue.
    const frames = () => api.framesFor(members[0]!.id) as any[];
    expect(frames().map((f) => f.type)).toEqual(["presence"]);
    expect(frames()[0].joined.map((m: any) => m.name)).toEqual(["M0", "M1", "M2"]);
    expect(fanOut.depth()).toBe(1);

    await eventually(() => frames().length === 2, { timeoutMs: 10_000 });
    expect(frames()[1]).toEqual({
      type: "presence",
      count: 5,
      joined: [expect.objectContaining({ name: "M3" }), expect.objectContaining({ name: "M4" })],
      left: [],
    });
    await eventually(() => fanOut.depth() === 0);
    expect(fanOut.received() - receivedBefore).toBe(1);
  });

  it("batches that find the slot taken at once schedule one delayed job between them, which names them all", async () => {
    process.env.PRESENCE_DIGEST_INTERVAL_MS = "1500";
    const { members } = await roomWith(6);
    const inserts = members.map(({ image }) => ({ kind: "INSERT" as const, image }));
    const fanOut = queues.queues.FanOut!;
    const receivedBefore = fanOut.received();
    await handlers["stream/announce-presence"]!(streamEvent(inserts.slice(0, 3)));
    await Promise.all([
      handlers["stream/announce-presence"]!(streamEvent(inserts.slice(3, 4))),
      handlers["stream/announce-presence"]!(streamEvent(inserts.slice(4, 5))),
      handlers["stream/announce-presence"]!(streamEvent(inserts.slice(5))),
    ]);
    expect(fanOut.depth()).toBe(1);

    const frames = () => api.framesFor(members[0]!.id) as any[];
    await eventually(() => frames().length === 2, { timeoutMs: 10_000 });
    const named = frames().flatMap((f) => f.joined.map((m: any) => m.name));
    expect(named.sort()).toEqual(["M0", "M1", "M2", "M3", "M4", "M5"]);
    await eventually(() => fanOut.depth() === 0);
    expect(fanOut.received() - receivedBefore).toBe(1);
  });
});
