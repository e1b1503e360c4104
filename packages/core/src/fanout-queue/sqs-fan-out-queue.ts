import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { isLoopbackHost } from "@rooms/net";
import {
  type DelayedJob,
  type DelayedJobQueue,
  encodeJob,
  type FanOutJob,
  type FanOutQueue,
  MAX_DELAY_SECONDS,
} from "../fanout/fan-out-job";

/** SendMessageBatch takes at most 10 entries. */
const BATCH = 10;
/** Entries SQS refused (throttling, a transient fault) are sent again this many times. */
const ATTEMPTS = 3;

/**
 * The fan-out queue on SQS: pages go in batches of 10, refused entries are sent again, and `enqueue` resolves only
 * once every page is stored (throws otherwise, so the caller can fall back to posting inline). `schedule` sends one
 * delayed job (SendMessage with DelaySeconds). A loopback `queueUrl` is the local stack's emulation, which checks
 * no signature.
 */
export function createSqsFanOutQueue({
  queueUrl,
  client,
}: {
  queueUrl: string;
  client?: SQSClient;
}): FanOutQueue & DelayedJobQueue<DelayedJob> {
  const local = isLoopbackHost(new URL(queueUrl).hostname);
  const sqs =
    client ??
    new SQSClient({
      ...(local && {
        endpoint: new URL(queueUrl).origin,
        region: "local",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      }),
    });
  return {
    async enqueue(jobs: readonly FanOutJob[]) {
      const batches: FanOutJob[][] = [];
      for (let i = 0; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
      await Promise.all(batches.map((batch) => sendBatch(sqs, queueUrl, batch)));
    },
    async schedule(job: DelayedJob, delaySeconds: number) {
      if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS)
        throw new RangeError(`A delay is whole seconds from 0 to ${MAX_DELAY_SECONDS}, got ${delaySeconds}`);
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: encodeJob(job),
          DelaySeconds: delaySeconds,
        }),
      );
    },
  };
}

async function sendBatch(sqs: SQSClient, queueUrl: string, jobs: FanOutJob[]) {
  let entries = jobs.map((job, i) => ({ Id: String(i), MessageBody: encodeJob(job) }));
  for (let attempt = 1; entries.length > 0; attempt++) {
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
    );
    const failed = new Set(Failed.map((f) => f.Id));
    entries = entries.filter((entry) => failed.has(entry.Id));
    if (entries.length > 0 && attempt >= ATTEMPTS)
      throw new Error(`SQS refused ${entries.length} fan-out pages: ${Failed.map((f) => f.Code).join(", ")}`);
  }
}
