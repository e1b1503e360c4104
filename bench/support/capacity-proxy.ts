import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { itemSize, transactionalWriteUnits } from "./item-size";

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
}

export type Tally = Map<string, OperationTally>;

const readOperations = new Set(["GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"]);
export const isRead = (operation: string) => readOperations.has(operation);

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
export async function startCapacityProxy({ target, indexKeys = [["gsi1pk", "gsi1sk"]] }: { target: string; indexKeys?: string[][] }) {
  const upstream = new URL(target);
  let tally: Tally = new Map();
  let inFlight = 0;
  /** Transactions whose capacity could not be computed from the request (see transactionUnits). */
  const unsized: string[] = [];
  let lastActivity = performance.now();

  const entry = (operation: string) => {
    let found = tally.get(operation);
    if (!found) tally.set(operation, (found = { calls: 0, units: 0, indexUnits: 0, conditionFailures: 0, errors: 0, reportedUnits: 0 }));
    return found;
  };

  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    inFlight++;
    lastActivity = performance.now();
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
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
            computedUnits = transactionUnits(parsed, indexKeys);
          } catch (error) {
            unsized.push(String(error));
          }
        }
        if (operation !== "unknown" && !["CreateTable", "DescribeTable", "ListTables", "UpdateTimeToLive", "DescribeTimeToLive"].includes(operation)) {
          parsed.ReturnConsumedCapacity = "INDEXES";
        }
        body = Buffer.from(JSON.stringify(parsed));
      }
      const headers = { ...incoming.headers, host: upstream.host, "content-length": String(body.length) };
      delete headers["transfer-encoding"];
      const forward = httpRequest(
        { hostname: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers },
        (answer) => {
          const answerChunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => answerChunks.push(chunk));
          answer.on("end", () => {
            const answerBody = Buffer.concat(answerChunks);
            record(operation, answer.statusCode ?? 0, answerBody, computedUnits);
            // Passed on byte for byte: the SDK checks x-amz-crc32 against this very body.
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(answerBody);
            inFlight--;
            lastActivity = performance.now();
          });
        },
      );
      forward.on("error", (error) => {
        entry(operation).errors++;
        outgoing.writeHead(502).end(String(error));
        inFlight--;
      });
      forward.end(body);
    });
  });

  function record(operation: string, status: number, body: Buffer, computed: { units: number; indexUnits: number } | undefined) {
    const tallied = entry(operation);
    tallied.calls++;
    let parsed: { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[]; __type?: string; CancellationReasons?: { Code?: string }[] } = {};
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      // An empty or non-JSON answer carries no capacity.
    }
    if (status >= 400) {
      const type = parsed.__type ?? "";
      const conditional =
        type.endsWith("ConditionalCheckFailedException") ||
        (type.endsWith("TransactionCanceledException") && (parsed.CancellationReasons ?? []).some((r) => r.Code === "ConditionalCheckFailed"));
      if (conditional) tallied.conditionFailures++;
      else tallied.errors++;
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
      for (const index of Object.values({ ...consumed.GlobalSecondaryIndexes, ...consumed.LocalSecondaryIndexes })) {
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
    /** Resolves once no request has been in flight for `quietMs` (the handler being measured is done). */
    async settle({ quietMs = 300, timeoutMs = 60_000 } = {}) {
      const deadline = performance.now() + timeoutMs;
      while (inFlight > 0 || performance.now() - lastActivity < quietMs) {
        if (performance.now() > deadline) throw new Error(`DynamoDB traffic did not settle within ${timeoutMs} ms (${inFlight} in flight)`);
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

/**
 * A transaction's write units by AWS's rules, from the request: each Put costs 2 WCU per 1 KB of its item; a
 * Put carrying an index's key attributes also writes that index (counted once per 1 KB, as a plain write).
 * Update, Delete and ConditionCheck name no item size in the request: their presence makes this throw, and the
 * caller should then extend it (none of the app's transactions uses them).
 */
function transactionUnits(request: Record<string, unknown>, indexKeys: string[][]) {
  let units = 0;
  let indexUnits = 0;
  for (const action of (request.TransactItems ?? []) as Record<string, { Item?: Record<string, any> }>[]) {
    const put = action.Put;
    if (!put?.Item) throw new Error(`cannot size a transaction action ${Object.keys(action).join(",")} from its request`);
    units += transactionalWriteUnits(put.Item);
    for (const keys of indexKeys) {
      if (keys.every((key) => key in put.Item!)) {
        const index = Math.ceil(itemSize(put.Item) / 1024);
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
  };
  for (const [operation, { calls, units, indexUnits, conditionFailures, errors, reportedUnits }] of tally) {
    if (operation === "TransactWriteItems") sum.transactions.push({ computed: units, reported: reportedUnits });
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
      authorization: "AWS4-HMAC-SHA256 Credential=local/20200101/local/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef",
    },
    body: "{}",
  });
  if (!response.ok) throw new Error(`DynamoDB Local refused a request with a wrong signature (${response.status}): ${await response.text()}`);
  return "DynamoDB Local accepted a request signed with a wrong signature (and the proxy's rewritten, no longer matching, bodies)";
}
