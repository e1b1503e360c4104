import { afterEach, describe, expect, it } from "vitest";
import type { DynamoDbStreamsApi, ShardIteratorType, WireStreamRecord } from "../../src/dynamodb-streams-api";
import type { GatewayLogger } from "../../src/gateway-logger";
import { type StreamEventSource, startStreamEventSource } from "../../src/stream-event-source";

/**
 * One seam faked: the DynamoDB Streams API, as one open shard whose GetRecords fails when told to (DynamoDB Local
 * answers TrimmedDataAccessException now and then on a busy machine). Reading DynamoDB Local's real stream is
 * covered by the presence e2e tests.
 */
function fakeShard() {
  const records: WireStreamRecord[] = [];
  const failures: string[] = [];
  const iteratorsAsked: string[] = [];
  const write = (key: string) =>
    records.push({
      eventName: "INSERT",
      dynamodb: { SequenceNumber: String(10n ** 20n + BigInt(records.length + 1)), Keys: { pk: { S: key } } },
    });
  const positionOf = (type: ShardIteratorType, sequence?: string) => {
    if (type === "TRIM_HORIZON") return 0;
    if (type === "LATEST") return records.length;
    return records.findIndex((r) => r.dynamodb?.SequenceNumber === sequence) + 1;
  };
  const api: DynamoDbStreamsApi = {
    shards: async () => [{ ShardId: "shard-1", SequenceNumberRange: { StartingSequenceNumber: "1" } }],
    iterator: async (_arn, _shard, type, sequence) => {
      iteratorsAsked.push(sequence ? `${type} ${sequence}` : type);
      return String(positionOf(type, sequence));
    },
    records: async (iterator, limit) => {
      const failure = failures.shift();
      if (failure) {
        const error = new Error("GetRecords: The operation attempted to read past the oldest stream record");
        error.name = failure;
        throw error;
      }
      const from = Number(iterator);
      const page = records.slice(from, from + limit);
      return { records: page, next: String(from + page.length) };
    },
  };
  return { api, write, failures, iteratorsAsked };
}

const keysOf = (batches: WireStreamRecord[][]) =>
  batches.flat().map((r) => (r.dynamodb as { Keys: { pk: { S: string } } }).Keys.pk.S);

let source: StreamEventSource | undefined;
afterEach(async () => {
  await source?.stop();
  source = undefined;
});

async function start(api: DynamoDbStreamsApi, lines: string[]) {
  const batches: WireStreamRecord[][] = [];
  const logger: GatewayLogger = { info: (line) => lines.push(line), error: (line) => lines.push(line) };
  source = await startStreamEventSource({
    api,
    streamArn: "arn:stream",
    handler: {
      routeKey: "Presence",
      handler: async (event: { Records: WireStreamRecord[] }) => {
        batches.push(event.Records);
      },
    },
    timeoutMs: 1_000,
    batchSize: 100,
    maximumBatchingWindowMs: 0,
    maximumRetryAttempts: 0,
    filters: [],
    pollIntervalMs: 5,
    retryDelayMs: 5,
    logger,
  });
  return batches;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe("the stream event source", () => {
  it("starts after what the shard held, and goes on after a failed GetRecords: nothing skipped, nothing twice", async () => {
    const shard = fakeShard();
    shard.write("history");
    const lines: string[] = [];
    const batches = await start(shard.api, lines);
    shard.write("a");
    await until(() => keysOf(batches).length === 1);
    shard.failures.push("TrimmedDataAccessException", "TrimmedDataAccessException");
    shard.write("b");
    shard.write("c");
    await until(() => keysOf(batches).length === 3);
    shard.write("d");
    await until(() => keysOf(batches).length === 4);
    expect(keysOf(batches)).toEqual(["a", "b", "c", "d"]);
    // Started after "history" (its first record); each failure resumed after "a", the last record read.
    expect(shard.iteratorsAsked.filter((asked) => asked.startsWith("AFTER_SEQUENCE_NUMBER"))).toEqual([
      `AFTER_SEQUENCE_NUMBER ${10n ** 20n + 1n}`,
      `AFTER_SEQUENCE_NUMBER ${10n ** 20n + 2n}`,
      `AFTER_SEQUENCE_NUMBER ${10n ** 20n + 2n}`,
    ]);
    expect(lines.filter((line) => line.includes("TrimmedDataAccessException"))).toHaveLength(2);
  });

  it("a failure before any record was read goes on from the place the poller started", async () => {
    const shard = fakeShard();
    shard.write("old-1");
    shard.write("old-2");
    const batches = await start(shard.api, []);
    shard.failures.push("ServiceUnavailable");
    shard.write("new");
    await until(() => keysOf(batches).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(keysOf(batches)).toEqual(["new"]);
  });
});
