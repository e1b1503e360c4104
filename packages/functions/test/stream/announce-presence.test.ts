import { type AttributeValue, GetItemCommand } from "@aws-sdk/client-dynamodb";
import type { Db } from "@rooms/core/db";
import { Room as Rooms } from "@rooms/core/room";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectionsApiServer } from "../../../../test/support/connections-api-server";
import insertFixture from "../events/dynamodb-stream/connection-insert.json" with { type: "json" };
import { wsConnectEvent, wsDisconnectEvent } from "../support/events";
import { type Invoke, loadHandler, startHandlerEnv } from "../support/handler-env";

/**
 * The table stream's presence worker, invoked with real DynamoDB Streams events made from the records $connect
 * wrote (NewImage) and $disconnect deleted (OldImage), as the event source mapping would hand them over.
 */
let env: Awaited<ReturnType<typeof startHandlerEnv>>;
let db: Db;
let api: ConnectionsApiServer;
const handlers: Record<string, Invoke> = {};

beforeAll(async () => {
  env = await startHandlerEnv();
  ({ db, connections: api } = env);
  for (const module of ["ws/connect", "ws/disconnect", "stream/announce-presence"])
    handlers[module] = await loadHandler(module);
});
afterAll(() => env.close());
beforeEach(() => {
  api.clear();
  delete process.env.PRESENCE_DETAIL_LIMIT;
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

  it("past the detail limit: one `presence` digest per interval, naming the queued members, with the live count", async () => {
    process.env.PRESENCE_DETAIL_LIMIT = "2";
    process.env.PRESENCE_DIGEST_INTERVAL_MS = "300";
    const { members } = await roomWith(5);
    const inserts = members.map(({ image }) => ({ kind: "INSERT" as const, image }));

    await handlers["stream/announce-presence"]!(streamEvent(inserts.slice(0, 3)));
    // A second batch right after finds the slot taken, waits one interval, and sends the rest.
    const started = performance.now();
    await handlers["stream/announce-presence"]!(streamEvent(inserts.slice(3)));
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    const frames = api.framesFor(members[0]!.id) as any[];
    expect(frames.map((f) => f.type)).toEqual(["presence", "presence"]);
    expect(frames.map((f) => f.count)).toEqual([5, 5]);
    expect(frames[0].joined.map((m: any) => m.name)).toEqual(["M0", "M1", "M2"]);
    expect(frames[1].joined.map((m: any) => m.name)).toEqual(["M3", "M4"]);
    expect(frames.every((f) => f.left.length === 0)).toBe(true);
  });

  it("a batch whose changes another batch's digest already named sends nothing more", async () => {
    process.env.PRESENCE_DETAIL_LIMIT = "2";
    process.env.PRESENCE_DIGEST_INTERVAL_MS = "400";
    const { members } = await roomWith(4);
    const inserts = members.map(({ image }) => ({ kind: "INSERT" as const, image }));
    // Three batches at once: the first takes the slot; the other two queue, wait, and one of them sends both.
    await Promise.all([
      handlers["stream/announce-presence"]!(streamEvent(inserts.slice(0, 2))),
      handlers["stream/announce-presence"]!(streamEvent(inserts.slice(2, 3))),
      handlers["stream/announce-presence"]!(streamEvent(inserts.slice(3))),
    ]);
    const frames = api.framesFor(members[0]!.id) as any[];
    const named = frames.flatMap((f) => f.joined.map((m: any) => m.name)).sort();
    expect(named).toEqual(["M0", "M1", "M2", "M3"]);
    expect(frames.length).toBeLessThanOrEqual(2);
  });
});
