import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { attributeValueSize, itemSize } from "./item-size";

/** What one DynamoDB operation consumed, summed over its calls, as DynamoDB Local reported it. */
export interface OperationTally {
  calls: number;
  /** Read or write capacity units, by the kind of operation. */
  units: number;
  /** The part of `units` spent on gsi1 (ReturnConsumedCapacity INDEXES gives the split). */
  indexUnits: number;
  /** Conditional writes that failed: DynamoDB Local reports no capacity for them (AWS charges at least 1 WCU). */
  conditionFailures: number;
  errors: number;
  /**
   * TransactWriteItems only: what DynamoDB Local reported. It under-counts multi-item transactions (two 100-byte
   * Puts: 2 WCU instead of AWS's 4), so `units` holds the figure computed from the request's items instead.
   */
  reportedUnits: number;
  /**
   * TransactWriteItems only: what the cancelled ones would have cost had they committed (computed the same way).
   * DynamoDB Local reports nothing for them; what AWS charges for a cancelled transaction is between 0 and this.
   */
  cancelledUnits: number;
  /** TransactWriteItems only: cancelled ones by reason (ConditionalCheckFailed, TransactionConflict, ...). */
  cancellations: Record<string, number>;
}

export type Tally = Map<string, OperationTally>;

const readOperations = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);
export const isRead = (operation: string) => readOperations.has(operation);
/**
 * The table stream's event source polling (the local stack's, as Lambda's event source mapping does about four
 * times a second, busy or not): passed through, neither tallied nor counted as activity. AWS bills no table
 * capacity for it (stream reads by Lambda triggers are free), and its steady polling would otherwise keep
 * `settle` from ever seeing a quiet moment.
 */
const streamPolling = new Set(["DescribeStream", "GetShardIterator", "GetRecords", "ListStreams"]);

interface ConsumedCapacity {
  CapacityUnits?: number;
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/**
 * A tiny HTTP proxy in front of DynamoDB Local that asks every request for `ReturnConsumedCapacity: "INDEXES"`
 * (TOTAL, plus the split per index) and tallies what the responses report, per operation. The handlers under
 * test stay untouched: the stack is simply pointed at the proxy (`dynamodb: { endpoint }`).
 *
 * Rewriting the body breaks the request's SigV4 signature (it signs the payload hash); DynamoDB Local does not
 * verify signatures, only that an Authorization header is there and parses. `verifySignaturesIgnored` checks
 * that claim against the running DynamoDB Local before the numbers are trusted.
 */
export async function startCapacityProxy({
  target,
  indexKeys = [["gsi1pk", "gsi1sk"]],
}: {
  target: string;
  indexKeys?: string[][];
}) {
  const upstream = new URL(target);
  let tally: Tally = new Map();
  let inFlight = 0;
  /** Transactions whose capacity could not be computed from the request (see transactionUnits). */
  const unsized: string[] = [];
  let lastActivity = performance.now();

  const entry = (operation: string) => {
    let found = tally.get(operation);
    if (!found) {
      found = {
        calls: 0,
        units: 0,
        indexUnits: 0,
        conditionFailures: 0,
        errors: 0,
        reportedUnits: 0,
        cancelledUnits: 0,
        cancellations: {},
      };
      tally.set(operation, found);
    }
    return found;
  };

  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    const polling = streamPolling.has(String(incoming.headers["x-amz-target"] ?? "").split(".")[1] ?? "");
    if (!polling) {
      inFlight++;
      lastActivity = performance.now();
    }
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", async () => {
      const operation = String(incoming.headers["x-amz-target"] ?? "").split(".")[1] ?? "unknown";
      let body = Buffer.concat(chunks);
      let computedUnits: { units: number; indexUnits: number } | undefined;
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        // Not JSON: passed through untouched; DynamoDB Local answers it.
      }
      if (parsed) {
        if (operation === "TransactWriteItems") {
          try {
            computedUnits = await transactionUnits(parsed, indexKeys, (request) =>
              getItem(upstream, request),
            );
          } catch (error) {
            unsized.push(String(error));
          }
        }
        if (
          operation !== "unknown" &&
          !["CreateTable", "DescribeTable", "ListTables", "UpdateTimeToLive", "DescribeTimeToLive"].includes(
            operation,
          )
        ) {
          parsed.ReturnConsumedCapacity = "INDEXES";
        }
        body = Buffer.from(JSON.stringify(parsed));
      }
      const headers = { ...incoming.headers, host: upstream.host, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      const forward = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: incoming.url,
          headers,
        },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => answerChunks.push(chunk));
          answer.on("end", () => {
            const answerBody = Buffer.concat(answerChunks);
            // Passed on byte for byte: the SDK checks x-amz-crc32 against this very body.
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(answerBody);
            if (polling) return;
            record(operation, answer.statusCode ?? 0, answerBody, computedUnits);
            inFlight--;
            lastActivity = performance.now();
          });
        },
      );
      forward.on("error", (error) => {
        outgoing.writeHead(502).end(String(error));
        if (polling) return;
        entry(operation).errors++;
        inFlight--;
      });
      forward.end(body);
    });
  });

  function record(
    operation: string,
    status: number,
    body: Buffer,
    computed: { units: number; indexUnits: number } | undefined,
  ) {
    const tallied = entry(operation);
    tallied.calls++;
    let parsed: {
      ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
      __type?: string;
      CancellationReasons?: { Code?: string }[];
    } = {};
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      // An empty or non-JSON answer carries no capacity.
    }
    if (status >= 400) {
      const type = parsed.__type ?? "";
      const reasons = (parsed.CancellationReasons ?? [])
        .map((r) => r.Code ?? "None")
        .filter((code) => code !== "None");
      const cancelled = type.endsWith("TransactionCanceledException");
      if (cancelled) {
        for (const reason of new Set(reasons))
          tallied.cancellations[reason] = (tallied.cancellations[reason] ?? 0) + 1;
        tallied.cancelledUnits += computed?.units ?? 0;
      }
      const conditional =
        type.endsWith("ConditionalCheckFailedException") ||
        (cancelled && reasons.includes("ConditionalCheckFailed"));
      // A transaction cancelled because a concurrent one held an item (TransactionConflict) is the expected
      // outcome of a race too, not an error of the run.
      if (conditional) tallied.conditionFailures++;
      else if (!(cancelled && reasons.length > 0 && reasons.every((code) => code === "TransactionConflict")))
        tallied.errors++;
    }
    if (computed && status < 400) {
      tallied.units += computed.units;
      tallied.indexUnits += computed.indexUnits;
    }
    for (const consumed of [parsed.ConsumedCapacity ?? []].flat()) {
      if (computed) {
        tallied.reportedUnits += consumed.CapacityUnits ?? 0;
        continue;
      }
      tallied.units += consumed.CapacityUnits ?? 0;
      for (const index of Object.values({
        ...consumed.GlobalSecondaryIndexes,
        ...consumed.LocalSecondaryIndexes,
      })) {
        tallied.indexUnits += index.CapacityUnits ?? 0;
      }
    }
  }

  const port = await new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
  server.keepAliveTimeout = 60_000;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Returns the tally since the last call and starts a new one. */
    /** Transactions the proxy could not size; a benchmark should refuse to report numbers if any. */
    unsized,
    take(): Tally {
      const taken = tally;
      tally = new Map();
      return taken;
    },
    /**
     * Resolves once no request has been in flight for `quietMs` (the handler being measured is done). 1.5 s: longer
     * than the table stream's batching window (1 s) plus a poll (250 ms), so work the stream's workers do after a
     * handler (presence announcements after a connect or disconnect) lands in the same measurement, never in the next.
     */
    async settle({ quietMs = 1_500, timeoutMs = 60_000 } = {}) {
      const deadline = performance.now() + timeoutMs;
      while (inFlight > 0 || performance.now() - lastActivity < quietMs) {
        if (performance.now() > deadline)
          throw new Error(`DynamoDB traffic did not settle within ${timeoutMs} ms (${inFlight} in flight)`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type CapacityProxy = Awaited<ReturnType<typeof startCapacityProxy>>;

type Item = Record<string, any>;
interface TransactAction {
  Put?: { Item?: Item };
  Update?: { TableName: string; Key: Item; ExpressionAttributeValues?: Item };
  Delete?: { TableName: string; Key: Item };
  ConditionCheck?: { TableName: string; Key: Item };
}

/** Reads an item straight from DynamoDB Local (not tallied: the proxy's own look, not the handler's). */
async function getItem(upstream: URL, request: { TableName: string; Key: Item }): Promise<Item | undefined> {
  const response = await fetch(new URL("/", upstream), {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "DynamoDB_20120810.GetItem",
      authorization:
        "AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=00",
    },
    body: JSON.stringify({ ...request, ConsistentRead: true }),
  });
  if (!response.ok)
    throw new Error(`the proxy's GetItem for sizing answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { Item?: Item }).Item;
}

/**
 * A transaction's write units by AWS's rules: each item written costs 2 WCU per 1 KB, and an item carrying an
 * index's key attributes also writes that index (counted once per 1 KB, as a plain write). A Put names its item.
 * An Update or Delete does not: the item is read just before (`fetchItem`), and an Update is sized as that item
 * plus every value it sets (an upper bound of "the larger of before and after", exact below 1 KB). A ConditionCheck
 * ($connect's membership check, an assignee's) writes nothing: it adds no write units here (its read of the checked
 * item is not counted either).
 */
async function transactionUnits(
  request: Record<string, unknown>,
  indexKeys: string[][],
  fetchItem: (request: { TableName: string; Key: Item }) => Promise<Item | undefined>,
) {
  let units = 0;
  let indexUnits = 0;
  for (const action of (request.TransactItems ?? []) as TransactAction[]) {
    let item: Item;
    let size: number;
    if (action.Put?.Item) {
      item = action.Put.Item;
      size = itemSize(item);
    } else if (action.Update) {
      item =
        (await fetchItem({ TableName: action.Update.TableName, Key: action.Update.Key })) ??
        action.Update.Key;
      const added = Object.values(action.Update.ExpressionAttributeValues ?? {}).reduce(
        (sum: number, value) => sum + attributeValueSize(value),
        0,
      );
      size = itemSize(item) + added;
    } else if (action.Delete) {
      item =
        (await fetchItem({ TableName: action.Delete.TableName, Key: action.Delete.Key })) ??
        action.Delete.Key;
      size = itemSize(item);
    } else if (action.ConditionCheck) {
      continue;
    } else {
      throw new Error(`cannot size a transaction action ${Object.keys(action).join(",")} from its request`);
    }
    units += 2 * Math.max(1, Math.ceil(size / 1024));
    for (const keys of indexKeys) {
      if (keys.every((key) => key in item)) {
        const index = Math.max(1, Math.ceil(size / 1024));
        units += index;
        indexUnits += index;
      }
    }
  }
  return { units, indexUnits };
}

/** Sums a tally into read and write units (and their gsi1 part), calls, and failed conditional writes. */
export function sumTally(tally: Tally) {
  const sum = {
    rcu: 0,
    wcu: 0,
    indexRcu: 0,
    indexWcu: 0,
    calls: 0,
    conditionFailures: 0,
    errors: 0,
    operations: [] as string[],
    /** TransactWriteItems: computed vs reported units. */
    transactions: [] as { computed: number; reported: number }[],
    /** TransactWriteItems: calls, cancelled ones by reason, and what the cancelled ones would have cost. */
    transactWrites: { calls: 0, cancellations: {} as Record<string, number>, cancelledUnits: 0 },
  };
  for (const [
    operation,
    { calls, units, indexUnits, conditionFailures, errors, reportedUnits, cancelledUnits, cancellations },
  ] of tally) {
    if (operation === "TransactWriteItems") {
      sum.transactions.push({ computed: units, reported: reportedUnits });
      sum.transactWrites.calls += calls;
      sum.transactWrites.cancelledUnits += cancelledUnits;
      for (const [reason, count] of Object.entries(cancellations))
        sum.transactWrites.cancellations[reason] = (sum.transactWrites.cancellations[reason] ?? 0) + count;
    }
    if (isRead(operation)) {
      sum.rcu += units;
      sum.indexRcu += indexUnits;
    } else {
      sum.wcu += units;
      sum.indexWcu += indexUnits;
    }
    sum.calls += calls;
    sum.conditionFailures += conditionFailures;
    sum.errors += errors;
    sum.operations.push(calls > 1 ? `${operation} x${calls}` : operation);
  }
  return sum;
}

/**
 * Checks that DynamoDB Local ignores SigV4 signatures (the proxy's rewrite breaks them): a ListTables whose
 * signature is garbage must succeed. Throws otherwise, since the proxy's numbers would then be meaningless.
 */
export async function verifySignaturesIgnored(endpoint: string) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "DynamoDB_20120810.ListTables",
      "x-amz-date": "20200101T000000Z",
      authorization:
        "AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef",
    },
    body: "{}",
  });
  if (!response.ok)
    throw new Error(
      `DynamoDB Local refused a request with a wrong signature (${response.status}): ${await response.text()}`,
    );
  return "DynamoDB Local accepted a request signed with a wrong signature (and the proxy's rewritten, no longer matching, bodies)";
}
