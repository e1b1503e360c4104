import type { FanOutJob } from "@rooms/core/fanout";
import { createSqsFanOutQueue } from "@rooms/core/fanout-queue";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, sleep } from "../../../../test/support/wait";
import { silentLogger } from "../../src/gateway-logger";
import { type LocalQueues, startLocalQueues } from "../../src/sqs-emulation";

/** The SQS emulation behind the fan-out workers, driven by the real SDK client (core's SQS adapter). */
let queues: LocalQueues | undefined;
afterEach(async () => {
  await queues?.stop();
  queues = undefined;
});

const job = (n: number): FanOutJob => ({
  roomId: "room",
  frame: { type: "pong", lastSeq: n },
  connectionIds: [`c${n}`],
});

async function start(
  handler: (event: {
    Records: { messageId: string; body: string; attributes: Record<string, string> }[];
  }) => unknown,
  { workers = 1, maxReceiveCount = 3 } = {},
) {
  queues = await startLocalQueues({
    logger: silentLogger,
    queues: [
      {
        name: "FanOut",
        handler: { routeKey: "FanOut", handler: async (event) => handler(event) },
        timeoutMs: 5_000,
        workers,
        batchSize: 1,
        visibilityTimeoutMs: 200,
        maxReceiveCount,
      },
    ],
  });
  const queue = queues.queues.FanOut!;
  return { queue, sqs: createSqsFanOutQueue({ queueUrl: queue.url }) };
}

describe("local SQS emulation", () => {
  it("takes SendMessageBatch from the real SDK (MD5 checked) and hands each message to the worker once", async () => {
    const bodies: string[] = [];
    const { queue, sqs } = await start((event) => {
      bodies.push(...event.Records.map((r) => r.body));
    });
    await sqs.enqueue(Array.from({ length: 12 }, (_, i) => job(i)));
    await eventually(() => queue.depth() === 0);
    expect(bodies.map((b) => JSON.parse(b).frame.lastSeq).sort((a, b) => a - b)).toEqual([
      ...Array(12).keys(),
    ]);
    expect(queue.received()).toBe(12);
  });

  it("a worker that dies mid-message leaves it to reappear after the visibility timeout", async () => {
    const receives: string[] = [];
    const { queue, sqs } = await start((event) => {
      const [record] = event.Records;
      receives.push(record!.attributes.ApproximateReceiveCount!);
      if (record!.attributes.ApproximateReceiveCount === "1") throw new Error("worker died");
    });
    await sqs.enqueue([job(1)]);
    await eventually(() => queue.depth() === 0, { timeoutMs: 3_000 });
    expect(receives).toEqual(["1", "2"]);
    expect(queue.deadLetters).toEqual([]);
  });

  it("a message reported in batchItemFailures every time goes to the dead-letter queue after maxReceiveCount", async () => {
    const { queue, sqs } = await start(
      (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) }),
      { maxReceiveCount: 2 },
    );
    await sqs.enqueue([job(7)]);
    await eventually(() => queue.deadLetters.length === 1, { timeoutMs: 3_000 });
    expect(queue.received()).toBe(2);
    expect(queue.depth()).toBe(0);
    expect(JSON.parse(queue.deadLetters[0]!.body).frame.lastSeq).toBe(7);
  });

  it("holds a message sent with DelaySeconds until the delay has passed, then hands it out (SendMessage, real SDK)", async () => {
    const seen: { body: string; at: number }[] = [];
    const { queue, sqs } = await start((event) => {
      seen.push(...event.Records.map((r) => ({ body: r.body, at: Date.now() })));
    });
    const sentAt = Date.now();
    await sqs.schedule({ kind: "presenceDigest", roomId: "room", due: sentAt + 1_000 }, 1);
    await sqs.enqueue([job(3)]);
    await eventually(() => queue.depth() === 0, { timeoutMs: 5_000 });
    // The page without a delay went first; the delayed job no sooner than its second.
    expect(seen.map((s) => JSON.parse(s.body).kind ?? "page")).toEqual(["page", "presenceDigest"]);
    expect(seen[1]!.at - sentAt).toBeGreaterThanOrEqual(1_000);
  });

  it("delays each SendMessageBatch entry by its own DelaySeconds, and refuses a delay SQS would not take", async () => {
    const seen: string[] = [];
    const { queue } = await start((event) => {
      seen.push(...event.Records.map((r) => r.body));
    });
    const send = (target: string, input: object) =>
      fetch(new URL(queue.url).origin, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${target}` },
        body: JSON.stringify({ QueueUrl: queue.url, ...input }),
      });
    const refused = await send("SendMessage", { MessageBody: "late", DelaySeconds: 901 });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ __type: "InvalidParameterValue" });
    expect(queue.depth()).toBe(0);

    const sent = await send("SendMessageBatch", {
      Entries: [
        { Id: "a", MessageBody: "later", DelaySeconds: 1 },
        { Id: "b", MessageBody: "now" },
      ],
    });
    expect(sent.status).toBe(200);
    await eventually(() => seen.length === 1, { timeoutMs: 2_000 });
    expect(seen).toEqual(["now"]);
    expect(queue.depth()).toBe(1);
    await eventually(() => queue.depth() === 0, { timeoutMs: 3_000 });
    expect(seen).toEqual(["now", "later"]);
  });

  it("runs W workers in parallel, no more", async () => {
    let inFlight = 0;
    let most = 0;
    const { queue, sqs } = await start(
      async () => {
        most = Math.max(most, ++inFlight);
        await sleep(100);
        inFlight--;
      },
      { workers: 4 },
    );
    await sqs.enqueue(Array.from({ length: 12 }, (_, i) => job(i)));
    await eventually(() => queue.depth() === 0, { timeoutMs: 5_000 });
    expect(most).toBe(4);
  });
});
