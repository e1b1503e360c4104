import type { Socket } from "node:net";
import {
  ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { Connection } from "@rooms/core/connection";
import { createDb } from "@rooms/core/db";
import { localDynamoClient } from "@rooms/dynamodb-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpClient } from "../../../../test/support/http-client";
import { eventually } from "../../../../test/support/wait";
import { MAX_POST_BYTES } from "../../src/connections-api";
import type { LocalStack } from "../../src/local-stack";
import type { RouteInvocation } from "../../src/websocket-gateway";
import { joinRoom, signIn, startE2eStack } from "../support/e2e-stack";

/**
 * A client that stops reading its socket (a frozen tab, or someone doing it on purpose) while frames keep coming
 * for it: each post to it is answered at once, the gateway drops it once about a megabyte waits for it ($disconnect
 * runs, its record goes, the room sees it leave), and nobody else waits for it meanwhile.
 */
let stack: LocalStack;
let db: ReturnType<typeof createDb>;
let dynamo: ReturnType<typeof localDynamoClient>;
let management: ApiGatewayManagementApiClient;
const invocations: RouteInvocation[] = [];

beforeAll(async () => {
  stack = await startE2eStack({ onInvocation: (invocation) => invocations.push(invocation) });
  dynamo = localDynamoClient(stack.dynamodbEndpoint);
  db = createDb({ client: dynamo, table: stack.tableName });
  // The SDK client the broadcast uses, as the handlers configure it: one attempt per post.
  management = new ApiGatewayManagementApiClient({
    endpoint: stack.connectionsUrl,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  management?.destroy();
  await stack?.stop();
  dynamo?.destroy();
});

/** A frame near the largest a post may carry. */
const bigFrame = JSON.stringify({ type: "filler", text: "x".repeat(MAX_POST_BYTES - 1_024) });

/**
 * PostToConnection through the SDK: "delivered" (200) or "gone" (410). A post must be answered without the client
 * reading anything; one still unanswered after 10 s fails the test (the gateway waited for the reader).
 */
async function post(connectionId: string, data: string): Promise<"delivered" | "gone"> {
  try {
    await management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }), {
      abortSignal: AbortSignal.timeout(10_000),
    });
    return "delivered";
  } catch (error) {
    if ((error as Error).name === "GoneException") return "gone";
    if ((error as Error).name === "AbortError") {
      throw new Error(`a post to ${connectionId} was not answered while its client did not read`);
    }
    throw error;
  }
}

describe("a client that stops reading", () => {
  it("is disconnected once its unread frames pass the cap, without delaying anyone else", async () => {
    const api = httpClient(stack.httpUrl, await signIn(stack, "Owner"));
    const room = await api.createRoom("Slow readers");
    const lively = await joinRoom(stack, room.roomId, "Lively");
    const paused = await joinRoom(stack, room.roomId, "Paused");
    const records = await Connection.listByRoom(db, { roomId: room.roomId });
    const pausedId = records.find((c: { name: string }) => c.name === "Paused")?.connectionId;
    const livelyId = records.find((c: { name: string }) => c.name === "Lively")?.connectionId;
    expect(pausedId && livelyId).toBeTruthy();

    // Paused stops reading its TCP socket: what is sent to it fills the kernel's buffers, then waits in the gateway.
    (paused.socket as unknown as { _socket: Socket })._socket.pause();

    let posted = 0;
    let outcome: "delivered" | "gone" = "delivered";
    // 400 frames of 127 KB (50 MB) is far more than loopback's socket buffers plus the gateway's cap hold.
    while (outcome === "delivered" && posted < 400) {
      outcome = await post(pausedId!, bigFrame);
      if (outcome === "delivered") posted++;
      if (posted % 25 === 0) {
        // Meanwhile the others are served: Lively's pings get their pongs, posts to Lively arrive.
        const from = lively.received;
        lively.send({ action: "ping" });
        await lively.waitFor((f: any) => f.type === "pong", { from, what: "pong" });
        expect(await post(livelyId!, JSON.stringify({ type: "filler", text: `after ${posted}` }))).toBe(
          "delivered",
        );
        await lively.waitFor((f: any) => f.type === "filler" && f.text === `after ${posted}`, { from });
      }
    }
    expect(outcome, `posted ${posted} frames of ${bigFrame.length} B without being refused`).toBe("gone");
    // From then on it is gone for every post, as on AWS.
    expect(await post(pausedId!, "{}")).toBe("gone");

    // The gateway's normal disconnect path ran: $disconnect, the record deleted, the room told.
    await eventually(() => invocations.some((i) => i.routeKey === "$disconnect" && i.ok), {
      timeoutMs: 15_000,
    });
    await eventually(
      async () =>
        !(await Connection.listByRoom(db, { roomId: room.roomId })).some(
          (c: { connectionId: string }) => c.connectionId === pausedId,
        ),
      { timeoutMs: 15_000 },
    );
    await lively.waitFor((f: any) => f.type === "memberLeft" && f.member.name === "Paused", {
      timeoutMs: 15_000,
      what: "memberLeft for Paused",
    });

    // The paused client finds its connection cut (no close frame: it was not reading) once it looks again.
    (paused.socket as unknown as { _socket: Socket })._socket.resume();
    expect((await paused.closed).code).toBe(1006);

    const from = lively.received;
    lively.send({ action: "ping" });
    await lively.waitFor((f: any) => f.type === "pong", { from, what: "pong after the drop" });
  });
});
