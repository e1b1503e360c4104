import { describe, expect, it } from "vitest";
import { tableDefinition } from "../../packages/core/src/table/definition";
import { httpRoutes, webSocketRoutes } from "../../packages/functions/src/routes";
import { fanOutWorker, presenceWorker, streamWorkers } from "../../packages/functions/src/workers";
import { FAN_OUT_SEND_ACTION, MANAGE_CONNECTIONS_ACTION } from "../permissions";
import { tableArgs } from "../table-args";
import { REALTIME_EXECUTION_ARN, TABLE_ARN } from "./support";
import { synthesize } from "./synthesize";

const stack = await synthesize();
const subscriptions = stack.subscriptions.Table ?? [];
const grantsOf = (handler: { permissions: { actions: string[]; resources: string[] }[] }) =>
  handler.permissions.flatMap((p) => p.actions.flatMap((a) => p.resources.map((r) => `${a} ${r}`))).sort();
const FAN_OUT_ARN = "arn:aws:sqs:eu-west-1:111122223333:FanOut";

describe("presence: the table stream and its worker", () => {
  it("the table has a stream with both images, as core's definition (and DynamoDB Local's table) has", () => {
    expect(tableArgs({ production: false }).stream).toBe("new-and-old-images");
    expect(tableDefinition.streamViewType).toBe("NEW_AND_OLD_IMAGES");
    const table = stack.resources.find((r) => r.name === "Table");
    expect(table?.args.stream).toBe("new-and-old-images");
  });

  it("subscribes exactly the manifest's stream workers, with their filters, batch size, window and retries", () => {
    expect(subscriptions.map((s) => s.name)).toEqual(streamWorkers.map((w) => w.name));
    const [presence] = subscriptions;
    expect(presence!.handler.handler).toBe(`packages/functions/src/${presenceWorker.module}.handler`);
    expect(presence!.args.filters).toEqual([
      {
        eventName: ["INSERT", "REMOVE"],
        dynamodb: { Keys: { pk: { S: [{ prefix: "$rooms#connectionId_" }] } } },
      },
    ]);
    expect(presence!.args.transform.eventSourceMapping).toEqual({
      batchSize: 100,
      maximumBatchingWindowInSeconds: 1,
      maximumRetryAttempts: 3,
      bisectBatchOnFunctionError: true,
    });
    expect(presence!.handler).toMatchObject({
      memory: "512 MB",
      timeout: "30 seconds",
      runtime: "nodejs22.x",
    });
    expect(presence!.handler.link.map((l) => l.name)).toEqual(["Table", "Realtime", "FanOut", "Limits"]);
  });

  it("the worker may read connections, update the marker, prune, post and schedule a delayed digest: nothing more", () => {
    const [presence] = subscriptions;
    expect(grantsOf(presence!.handler)).toEqual(
      [
        `dynamodb:GetItem ${TABLE_ARN}`,
        `dynamodb:GetItem ${TABLE_ARN}/index/gsi1`,
        `dynamodb:Query ${TABLE_ARN}`,
        `dynamodb:Query ${TABLE_ARN}/index/gsi1`,
        `dynamodb:UpdateItem ${TABLE_ARN}`,
        `dynamodb:DeleteItem ${TABLE_ARN}`,
        `${MANAGE_CONNECTIONS_ACTION} ${REALTIME_EXECUTION_ARN}/$default/POST/@connections/*`,
        `${FAN_OUT_SEND_ACTION} ${FAN_OUT_ARN}`,
      ].sort(),
    );
  });

  it("$connect and $disconnect post to no socket any more: no @connections grant", () => {
    for (const routeKey of ["$connect", "$disconnect"]) {
      const route = stack.routes.Realtime!.find((r) => r.routeKey === routeKey)!;
      const actions = route.handler.permissions.flatMap((p) => p.actions);
      expect(actions, routeKey).not.toContain(MANAGE_CONNECTIONS_ACTION);
      // The table, and the stage's limits (the member cap at $connect): no WebSocket API.
      expect(
        route.handler.link.map((l) => l.name),
        routeKey,
      ).toEqual(["Table", "Limits"]);
    }
  });
});

describe("fan-out: the queue, its dead letters and its worker", () => {
  const queue = stack.resources.find((r) => r.name === "FanOut")!;
  const [subscription] = stack.subscriptions.FanOut ?? [];

  it("a failing page goes to the dead-letter queue after maxReceiveCount; the visibility timeout is twice the worker's", () => {
    expect(queue.args).toEqual({
      visibilityTimeout: "60 seconds",
      dlq: { queue: "arn:aws:sqs:eu-west-1:111122223333:FanOutDeadLetters", retry: 3 },
    });
    expect(stack.resources.find((r) => r.name === "FanOutDeadLetters")!.args.transform.queue).toEqual({
      messageRetentionSeconds: 1_209_600,
    });
    expect(subscription!.handler.timeout).toBe("30 seconds");
  });

  it("one page per worker, partial batch responses, at most W workers", () => {
    expect(subscription!.handler.handler).toBe(`packages/functions/src/${fanOutWorker.module}.handler`);
    expect(subscription!.args.batch).toEqual({ size: 1, partialResponses: true });
    expect(subscription!.args.transform.eventSourceMapping).toEqual({
      scalingConfig: { maximumConcurrency: 16 },
    });
  });

  it("the worker may post and prune, and for a delayed digest read the room, take its slot and schedule the next: nothing more", () => {
    expect(grantsOf(subscription!.handler)).toEqual(
      [
        `dynamodb:GetItem ${TABLE_ARN}`,
        `dynamodb:GetItem ${TABLE_ARN}/index/gsi1`,
        `dynamodb:Query ${TABLE_ARN}`,
        `dynamodb:Query ${TABLE_ARN}/index/gsi1`,
        `dynamodb:UpdateItem ${TABLE_ARN}`,
        `dynamodb:DeleteItem ${TABLE_ARN}`,
        `${MANAGE_CONNECTIONS_ACTION} ${REALTIME_EXECUTION_ARN}/$default/POST/@connections/*`,
        // A removal's sweep closes the removed user's sockets.
        `${MANAGE_CONNECTIONS_ACTION} ${REALTIME_EXECUTION_ARN}/$default/DELETE/@connections/*`,
        `${FAN_OUT_SEND_ACTION} ${FAN_OUT_ARN}`,
      ].sort(),
    );
    expect(subscription!.handler.link.map((l) => l.name)).toEqual(["Table", "Realtime", "FanOut", "Limits"]);
  });

  it("the WebSocket routes marked fansOut may queue pages (SendMessage on this queue only) and are linked to it", () => {
    for (const route of webSocketRoutes) {
      const fansOut = "fansOut" in route && route.fansOut;
      const wired = stack.routes.Realtime!.find((r) => r.routeKey === route.routeKey)!;
      const sends = grantsOf(wired.handler).filter((g) => g.startsWith("sqs:"));
      expect(sends, route.routeKey).toEqual(fansOut ? [`${FAN_OUT_SEND_ACTION} ${FAN_OUT_ARN}`] : []);
      expect(
        wired.handler.link.some((l) => l.name === "FanOut"),
        route.routeKey,
      ).toBe(fansOut);
    }
    // Frames that only answer their sender, or go to a small room's listing, never queue.
    const queueing = webSocketRoutes
      .filter((route) => "fansOut" in route && route.fansOut)
      .map((r) => r.routeKey);
    for (const routeKey of ["ping", "sync", "$default", "typing", "markRead", "$connect", "$disconnect"])
      expect(queueing).not.toContain(routeKey);
    expect(queueing).toContain("sendMessage");
    // Of the HTTP routes, only those that schedule a delayed job (a removal's sweep).
    for (const route of stack.routes.Api!)
      expect(
        grantsOf(route.handler).filter((g) => g.startsWith("sqs:")),
        route.routeKey,
      ).toEqual(
        httpRoutes.some((r) => r.routeKey === route.routeKey && "schedulesJobs" in r && r.schedulesJobs)
          ? [`${FAN_OUT_SEND_ACTION} ${FAN_OUT_ARN}`]
          : [],
      );
  });
});
