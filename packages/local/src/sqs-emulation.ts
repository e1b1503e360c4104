import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { GatewayLogger } from "./gateway-logger";
import { invokeHandler } from "./invoke-handler";
import { closeServer, listen } from "./listen";
import { readBody } from "./read-body";
import type { RouteHandler } from "./route-handlers";

/** SQS's largest message. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** SQS's longest per-message delay (DelaySeconds). */
const MAX_DELAY_SECONDS = 900;
const ACCOUNT = "000000000000";

export interface LocalQueueOptions {
  name: string;
  handler: RouteHandler;
  timeoutMs: number;
  /** Pollers at once (W): each takes `batchSize` messages and invokes the handler. */
  workers: number;
  batchSize: number;
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
}

interface StoredMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  visibleAt: number;
}

export interface LocalQueue {
  url: string;
  /** Messages moved to the dead-letter queue after `maxReceiveCount` receives. */
  deadLetters: StoredMessage[];
  /** Messages stored and not yet deleted (visible or in flight). */
  depth(): number;
  /** Receives so far (a message handed out twice counts 2). */
  received(): number;
}

export interface LocalQueues {
  /** The port of the SQS endpoint (every queue URL's). */
  port: number;
  queues: Record<string, LocalQueue>;
  stop(): Promise<void>;
}

/**
 * SQS as Lambda sees it, in-process: an endpoint answering the SDK's SendMessage / SendMessageBatch (JSON protocol,
 * with the MD5 the SDK checks; a message's DelaySeconds keeps it hidden that long after it is sent, 0..900 as on
 * SQS), and per queue an event source mapping: `workers` pollers, each receiving
 * `batchSize` messages (hidden for `visibilityTimeoutMs`), invoking the handler, deleting what it did not report in
 * `batchItemFailures`. A failed, timed-out or crashed invocation leaves its messages to reappear after the
 * visibility timeout; a message received `maxReceiveCount` times and failed again goes to the dead-letter queue.
 */
export async function startLocalQueues({
  queues: options,
  host = "127.0.0.1",
  port = 0,
  logger,
}: {
  queues: LocalQueueOptions[];
  host?: string;
  port?: number;
  logger: GatewayLogger;
}): Promise<LocalQueues> {
  const stores = new Map<
    string,
    { options: LocalQueueOptions; messages: StoredMessage[]; deadLetters: StoredMessage[]; received: number }
  >();
  for (const queue of options)
    stores.set(queue.name, { options: queue, messages: [], deadLetters: [], received: 0 });
  let stopped = false;
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const w of wakers) w();
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => {
      logger.error("sqs emulation failed:", error);
      if (!response.headersSent) fail(response, 500, "InternalFailure", "Internal failure");
    });
  });
  const boundPort = await listen(server, port, host);
  const urlOf = (name: string) => `http://${host}:${boundPort}/${ACCOUNT}/${name}`;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const raw = await readBody(request, 10 * MAX_MESSAGE_BYTES);
    const target = String(request.headers["x-amz-target"] ?? "");
    const input = JSON.parse(raw?.toString("utf8") || "{}") as {
      QueueUrl?: string;
      MessageBody?: string;
      DelaySeconds?: unknown;
      Entries?: { Id: string; MessageBody: string; DelaySeconds?: unknown }[];
    };
    const store = stores.get(
      String(input.QueueUrl ?? "")
        .split("/")
        .pop() ?? "",
    );
    if (!store)
      return fail(
        response,
        400,
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
      );
    const put = (body: string, delaySeconds: number) => {
      const sentAt = Date.now();
      const message = { messageId: randomUUID(), body, sentAt, receiveCount: 0, visibleAt: 0 };
      if (delaySeconds > 0) message.visibleAt = sentAt + delaySeconds * 1_000;
      store.messages.push(message);
      wake();
      return { MessageId: message.messageId, MD5OfMessageBody: createHash("md5").update(body).digest("hex") };
    };
    const delays = [input.DelaySeconds, ...(input.Entries ?? []).map((entry) => entry.DelaySeconds)];
    const invalid = delays.find((delay) => delay !== undefined && !validDelay(delay));
    if (invalid !== undefined)
      return fail(
        response,
        400,
        "InvalidParameterValue",
        `Value ${String(invalid)} for parameter DelaySeconds is invalid. Reason: must be 0 to ${MAX_DELAY_SECONDS}.`,
      );
    if (target === "AmazonSQS.SendMessage")
      return reply(response, put(String(input.MessageBody ?? ""), Number(input.DelaySeconds ?? 0)));
    if (target === "AmazonSQS.SendMessageBatch") {
      const Successful = (input.Entries ?? []).map((entry) => ({
        Id: entry.Id,
        ...put(entry.MessageBody, Number(entry.DelaySeconds ?? 0)),
      }));
      return reply(response, { Successful, Failed: [] });
    }
    return fail(response, 400, "InvalidAction", `${target} is not emulated`);
  }

  /** The first visible message(s), hidden for the visibility timeout; past maxReceiveCount they are dead letters. */
  function receive(store: NonNullable<ReturnType<typeof stores.get>>): StoredMessage[] {
    const now = Date.now();
    const taken: StoredMessage[] = [];
    for (const message of [...store.messages]) {
      if (taken.length >= store.options.batchSize) break;
      if (message.visibleAt > now) continue;
      if (message.receiveCount >= store.options.maxReceiveCount) {
        store.messages.splice(store.messages.indexOf(message), 1);
        store.deadLetters.push(message);
        logger.error(
          `queue ${store.options.name}: message ${message.messageId} moved to the dead-letter queue`,
        );
        continue;
      }
      message.receiveCount++;
      store.received++;
      message.visibleAt = now + store.options.visibilityTimeoutMs;
      taken.push(message);
    }
    return taken;
  }

  async function poll(store: NonNullable<ReturnType<typeof stores.get>>) {
    const { name, handler, timeoutMs } = store.options;
    while (!stopped) {
      const batch = receive(store);
      if (batch.length === 0) {
        await new Promise<void>((resolve) => {
          const waker = () => {
            wakers.delete(waker);
            clearTimeout(timer);
            resolve();
          };
          // Hidden messages become visible again without a wake-up: look again now and then.
          const timer = setTimeout(waker, 100);
          wakers.add(waker);
        });
        continue;
      }
      const event = {
        Records: batch.map((message) => sqsRecord(message, `arn:aws:sqs:local:${ACCOUNT}:${name}`)),
      };
      try {
        const result = (await invokeHandler(handler, event, { timeoutMs })) as
          | { batchItemFailures?: { itemIdentifier: string }[] }
          | undefined;
        const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
        for (const message of batch) {
          if (failed.has(message.messageId)) continue;
          store.messages.splice(store.messages.indexOf(message), 1);
        }
        if (failed.size > 0) logger.info(`queue ${name}: ${failed.size} message(s) failed, left to reappear`);
      } catch (error) {
        logger.info(
          `queue ${name}: invocation failed (${(error as Error).message}); its batch will reappear`,
        );
      }
    }
  }

  const pollers = [...stores.values()].flatMap((store) =>
    Array.from({ length: store.options.workers }, () => poll(store)),
  );
  return {
    port: boundPort,
    queues: Object.fromEntries(
      [...stores.entries()].map(([name, store]) => [
        name,
        {
          url: urlOf(name),
          deadLetters: store.deadLetters,
          depth: () => store.messages.length,
          received: () => store.received,
        },
      ]),
    ),
    async stop() {
      stopped = true;
      wake();
      await Promise.all(pollers);
      await closeServer(server);
    },
  };
}

const validDelay = (delay: unknown) =>
  typeof delay === "number" && Number.isInteger(delay) && delay >= 0 && delay <= MAX_DELAY_SECONDS;

/** A record of Lambda's SQS event. */
function sqsRecord(message: StoredMessage, eventSourceARN: string) {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}#${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: "LOCAL",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(message.body).digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN,
    awsRegion: "local",
  };
}

function reply(response: ServerResponse, json: unknown) {
  const body = JSON.stringify(json);
  response.writeHead(200, {
    "content-type": "application/x-amz-json-1.0",
    "x-amzn-requestid": randomUUID(),
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

function fail(response: ServerResponse, status: number, code: string, message: string) {
  const body = JSON.stringify({ __type: code, message });
  response.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "x-amzn-query-error": `${code};Sender`,
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}
