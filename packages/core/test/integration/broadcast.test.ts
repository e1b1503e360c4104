import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ConnectionsApiServer,
  type Reply,
  startConnectionsApiServer,
} from "../../../../test/support/connections-api-server";
import {
  type BroadcastLogEntry,
  broadcastToRoom,
  type ConnectionSender,
  createApiGatewaySender,
  managementEndpointFromEvent,
  sendToConnection,
} from "../../src/broadcast";
import { Connection, type ConnectionItem } from "../../src/connection";
import type { Db } from "../../src/db";
import { PayloadTooLargeError } from "../../src/errors";
import type { ServerFrame } from "../../src/protocol";
import { Room } from "../../src/room";
import { seedConnections } from "../support/seed-connections";
import { createTestDb } from "../support/test-db";
import { newUser } from "../support/users";

let db: Db;
beforeAll(async () => {
  ({ db } = await createTestDb());
});

const servers: ConnectionsApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(
  reply: (connectionId: string, attempt: number) => Reply | Promise<Reply>,
  stage = "prod",
) {
  const server = await startConnectionsApiServer({ stage, reply });
  servers.push(server);
  return server;
}

async function seededRoom(count: number, prefix = "c") {
  const room = await Room.create(db, { input: { name: `room of ${count}` }, caller: newUser("Owner") });
  const connections = await seedConnections(db, { roomId: room.roomId, count, prefix });
  return { roomId: room.roomId, connections };
}

const messageFrame = (roomId: string, text = "hello"): ServerFrame => ({
  type: "message",
  message: {
    messageId: "01J0000000000000000000000A",
    roomId,
    seq: 1,
    clientMessageId: "m1",
    authorId: "01J0000000000000000000000B",
    author: "Ann",
    text,
    mentions: [],
    sentAt: "2026-01-01T00:00:00.000Z",
  },
});

const decode = (body: Buffer) => JSON.parse(body.toString("utf8")) as ServerFrame;
/** Frames of one type the server answered 200 for, per connection id. */
function framesOfType<T extends ServerFrame["type"]>(
  server: ConnectionsApiServer,
  connectionId: string,
  type: T,
) {
  return (server.delivered.get(connectionId) ?? [])
    .map(decode)
    .filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);
}
const ids = (items: ConnectionItem[]) => items.map((c) => c.connectionId);

describe("broadcastToRoom through the real SDK and a local @connections server", () => {
  it("500 connections, 10% gone: delivers once to every live one and prunes exactly the gone ones", async () => {
    const { roomId, connections } = await seededRoom(500);
    const all = ids(connections);
    const gone = new Set(all.filter((_, i) => i % 10 === 3));
    const throttledTwice = new Set([all[1]!, all[2]!, all[250]!, all[498]!, all[499]!]);
    const errorOnce = all[7]!;
    const alwaysError = all[8]!;
    const hanging = all[9]!;
    const server = await serve((id, attempt) => {
      if (gone.has(id)) return "gone";
      if (id === hanging) return "hang";
      if (id === alwaysError) return "error";
      if (id === errorOnce && attempt === 1) return "error";
      if (throttledTwice.has(id) && attempt <= 2) return "throttle";
      return "ok";
    });
    const port = new URL(server.endpoint).port;
    // The endpoint as a handler derives it from the event: host, then the stage as path prefix.
    const endpoint = managementEndpointFromEvent({
      requestContext: { domainName: `127.0.0.1:${port}`, stage: "prod" },
    });
    expect(endpoint).toBe(server.endpoint);
    const realSender = createApiGatewaySender({ endpoint, timeoutMs: 1000 });
    let hangMs = 0;
    const sender: ConnectionSender = {
      async send(input) {
        const started = performance.now();
        const outcome = await realSender.send(input);
        if (input.connectionId === hanging) hangMs = performance.now() - started;
        return outcome;
      },
    };
    const logged: BroadcastLogEntry[] = [];
    const frame = messageFrame(roomId, "héllo, room ✓");

    const result = await broadcastToRoom(db, {
      roomId,
      frame,
      sender,
      concurrency: 16,
      baseDelayMs: 5,
      pageSize: 100,
      log: (entry) => logged.push(entry),
    });

    const unreachable = new Set([hanging, alwaysError]);
    const live = all.filter((id) => !gone.has(id) && !unreachable.has(id));
    expect(result).toEqual({
      delivered: live.length,
      pruned: gone.size,
      failed: 2,
      // 2 per throttled connection, 1 for the transient 500, 3 before giving up on the permanent one.
      retried: throttledTwice.size * 2 + 1 + 3,
    });
    expect(live).toHaveLength(448);
    expect(server.unexpected).toEqual([]);
    const payload = JSON.stringify(frame);
    for (const id of live)
      expect(framesOfType(server, id, "message").map((f) => JSON.stringify(f))).toEqual([payload]);
    for (const id of [...gone, ...unreachable]) expect(server.delivered.get(id)).toBeUndefined();

    // Pruned: exactly the gone ones, nothing else.
    const stored = await Connection.listByRoom(db, { roomId });
    expect(ids(stored).sort()).toEqual(all.filter((id) => !gone.has(id)).sort());

    // The leaves are not announced here: the deletions reach the table's stream, and presence announces them.
    for (const id of live) expect(framesOfType(server, id, "memberLeft")).toEqual([]);

    // The hanging post was abandoned at its own timeout; the others were not held up.
    expect(hangMs).toBeGreaterThanOrEqual(990);
    expect(hangMs).toBeLessThan(2000);
    expect(logged).toEqual(
      expect.arrayContaining([
        {
          event: "send_failed",
          connectionId: hanging,
          frameType: "message",
          reason: "timed out after 1000 ms",
        },
        expect.objectContaining({
          event: "send_failed",
          connectionId: alwaysError,
          reason: expect.stringMatching(/gave up after 3 retries.*500/),
        }),
      ]),
    );
    expect(logged).toHaveLength(2);
    expect(server.maxInFlight).toBeLessThanOrEqual(16);
  }, 180_000);

  it("refuses a frame over 128 KB before sending or pruning anything", async () => {
    const { roomId, connections } = await seededRoom(30, "big");
    const server = await serve((id) => (id.endsWith("1Aw=") ? "gone" : "ok"));
    const sender = createApiGatewaySender({ endpoint: server.endpoint });
    const frame = messageFrame(roomId, "x".repeat(128 * 1024));

    const attempt = broadcastToRoom(db, { roomId, frame, sender });
    await expect(attempt).rejects.toBeInstanceOf(PayloadTooLargeError);
    await expect(attempt).rejects.toMatchObject({ code: "too_large", status: 413 });
    await expect(
      sendToConnection(db, { connectionId: connections[0]!.connectionId, frame, sender }),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(server.requests).toBe(0);
    expect(await Connection.listByRoom(db, { roomId })).toHaveLength(30);
  });

  it("a gone connection met by two concurrent broadcasts is deleted once (one stream REMOVE to announce)", async () => {
    const { roomId, connections } = await seededRoom(40, "race");
    const goneOne = connections[17]!;
    // Hold the first 410 until the second broadcast's post arrives too, so both prune at the same moment.
    let releaseBoth!: () => void;
    const bothArrived = new Promise<void>((resolve) => (releaseBoth = resolve));
    const server = await serve(async (id, attempt) => {
      if (id !== goneOne.connectionId) return "ok";
      if (attempt === 2) releaseBoth();
      await bothArrived;
      return "gone";
    });
    const sender = createApiGatewaySender({ endpoint: server.endpoint });

    const results = await Promise.all([
      broadcastToRoom(db, { roomId, frame: messageFrame(roomId, "one"), sender }),
      broadcastToRoom(db, { roomId, frame: messageFrame(roomId, "two"), sender }),
    ]);

    expect(server.attempts.get(goneOne.connectionId)).toBe(2);
    expect(results.map((r) => r.pruned).sort()).toEqual([0, 1]);
    expect(results.map((r) => r.delivered)).toEqual([39, 39]);
    expect(await Connection.get(db, { connectionId: goneOne.connectionId })).toBeNull();
    for (const c of connections) {
      if (c === goneOne) continue;
      expect(framesOfType(server, c.connectionId, "message")).toHaveLength(2);
      expect(framesOfType(server, c.connectionId, "memberLeft")).toEqual([]);
    }
  });

  it("sends nothing to `except`, and still prunes the gone", async () => {
    const { roomId, connections } = await seededRoom(5, "ex");
    const [author, gone] = [connections[0]!, connections[4]!];
    const server = await serve((id) => (id === gone.connectionId ? "gone" : "ok"));
    const sender = createApiGatewaySender({ endpoint: server.endpoint });

    const result = await broadcastToRoom(db, {
      roomId,
      frame: messageFrame(roomId),
      sender,
      except: [author.connectionId],
    });

    expect(result).toEqual({ delivered: 3, pruned: 1, failed: 0, retried: 0 });
    expect(server.attempts.get(author.connectionId)).toBeUndefined();
    expect(await Connection.get(db, { connectionId: gone.connectionId })).toBeNull();
  });

  it("warns with the figures when one fan-out takes more than its share of the account's post rate", async () => {
    const { roomId } = await seededRoom(6, "share");
    const server = await serve(() => "ok");
    const sender = createApiGatewaySender({ endpoint: server.endpoint });
    const logged: BroadcastLogEntry[] = [];
    const log = (entry: BroadcastLogEntry) => logged.push(entry);

    // 6 posts against a budget of 10 x 0.5 = 5: reported; against 20 x 0.5 = 10: not.
    await broadcastToRoom(db, { roomId, frame: messageFrame(roomId), sender, log, accountPostRate: 10 });
    await broadcastToRoom(db, { roomId, frame: messageFrame(roomId), sender, log, accountPostRate: 20 });

    expect(logged).toEqual([
      {
        event: "throttle_share",
        roomId,
        frameType: "message",
        posts: 6,
        accountPostRate: 10,
        throttleShare: 0.5,
      },
    ]);
  });

  it("posts under a custom domain's multi-level mapping path", async () => {
    const { roomId } = await seededRoom(3, "cd");
    const server = await serve(() => "ok", "realtime/v1");
    const endpoint = managementEndpointFromEvent({ configured: `${server.endpoint}/` });
    const result = await broadcastToRoom(db, {
      roomId,
      frame: messageFrame(roomId),
      sender: createApiGatewaySender({ endpoint }),
    });
    expect(result.delivered).toBe(3);
    expect(server.unexpected).toEqual([]);
  });
});

describe("sendToConnection", () => {
  it("delivers to one connection only, retrying throttling", async () => {
    const { roomId, connections } = await seededRoom(3, "one");
    const target = connections[1]!;
    const server = await serve((_, attempt) => (attempt === 1 ? "throttle" : "ok"));
    const sender = createApiGatewaySender({ endpoint: server.endpoint });

    const result = await sendToConnection(db, {
      connectionId: target.connectionId,
      frame: { type: "pong", lastSeq: 0 },
      sender,
      baseDelayMs: 5,
    });

    expect(result).toEqual({ delivered: 1, pruned: 0, failed: 0, retried: 1 });
    expect([...server.delivered.keys()]).toEqual([target.connectionId]);
    expect(framesOfType(server, target.connectionId, "pong")).toEqual([{ type: "pong", lastSeq: 0 }]);
    expect(await Connection.listByRoom(db, { roomId })).toHaveLength(3);
  });

  it("prunes a gone connection, posting nothing to the rest of the room (the stream announces the leave)", async () => {
    const { roomId, connections } = await seededRoom(4, "reply");
    const target = connections[2]!;
    const server = await serve((id) => (id === target.connectionId ? "gone" : "ok"));
    const sender = createApiGatewaySender({ endpoint: server.endpoint });

    const result = await sendToConnection(db, {
      connectionId: target.connectionId,
      frame: { type: "pong", lastSeq: 0 },
      sender,
    });

    expect(result).toEqual({ delivered: 0, pruned: 1, failed: 0, retried: 0 });
    expect(await Connection.get(db, { connectionId: target.connectionId })).toBeNull();
    expect([...server.delivered.keys()]).toEqual([]);
    expect(ids(await Connection.listByRoom(db, { roomId })).sort()).toEqual(
      ids(connections.filter((c) => c !== target)).sort(),
    );
  });

  it("counts a connection that never answers as failed after its timeout", async () => {
    const { roomId, connections } = await seededRoom(2, "slow");
    const server = await serve(() => "hang");
    const sender = createApiGatewaySender({ endpoint: server.endpoint, timeoutMs: 300 });
    const started = performance.now();
    const result = await sendToConnection(db, {
      connectionId: connections[0]!.connectionId,
      frame: { type: "pong", lastSeq: 0 },
      sender,
    });
    expect(result).toEqual({ delivered: 0, pruned: 0, failed: 1, retried: 0 });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await Connection.listByRoom(db, { roomId })).toHaveLength(2);
  });
});
