import middy from "@middy/core";
import { FanOut } from "@rooms/core/fanout";
import { getLinkedSender } from "../config/realtime";
import { getDb } from "../config/table";
import { logger } from "../logging/logger";

interface SqsEvent {
  Records: { messageId: string; body: string }[];
}

/**
 * The fan-out queue's worker (workers.ts): posts each page to its connections. A page with posts that could not be
 * made (throttled or failing past the retries, timed out) is reported failed, so SQS hands it out again after its
 * visibility timeout (and to the dead-letter queue after the last receive); members who already had it get it
 * twice and drop the repeat by message id and `seq`. A gone connection is pruned and is no failure.
 */
export const handler = middy(async (event: SqsEvent) => {
  const [db, sender] = await Promise.all([getDb(), getLinkedSender()]);
  const log = (entry: object) => logger.warn("delivery problem", { ...entry });
  const failures: { itemIdentifier: string }[] = [];
  for (const { messageId, body } of event.Records) {
    const result = await FanOut.deliverPage(db, { job: FanOut.decodeJob(body), sender, log });
    logger.info("fan-out page", { messageId, ...result });
    if (result.failed > 0) failures.push({ itemIdentifier: messageId });
  }
  return { batchItemFailures: failures };
});
