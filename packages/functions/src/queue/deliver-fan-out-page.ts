import middy from "@middy/core";
import { FanOut } from "@rooms/core/fanout";
import { Presence } from "@rooms/core/presence";
import { sweepRemovedSockets } from "@rooms/core/realtime";
import { getDelayedJobQueue } from "../config/fan-out";
import { presenceSettings } from "../config/presence";
import { getLinkedSender } from "../config/realtime";
import { getDb } from "../config/table";
import { logger } from "../logging/logger";

interface SqsEvent {
  Records: { messageId: string; body: string }[];
}

/**
 * The fan-out queue's worker (workers.ts), for both kinds of job:
 * - a page: posts its frame to its connections. A page with posts that could not be made (throttled or failing
 *   past the retries, timed out) is reported failed, so SQS hands it out again after its visibility timeout (and to
 *   the dead-letter queue after the last receive); members who already had it get it twice and drop the repeat by
 *   message id and `seq`. A gone connection is pruned and is no failure.
 * - a delayed presence digest: takes the room's digest slot and sends what is queued (or schedules the next job if
 *   the slot is still taken). A throw fails the invocation, and SQS hands the job out again.
 * - a removal sweep: deletes the removed user's remaining connection records in the room and closes their sockets;
 *   one it could not close fails the job (logged at ERROR), so SQS hands it out again, then to the dead letters.
 */
export const handler = middy(async (event: SqsEvent) => {
  const [db, sender] = await Promise.all([getDb(), getLinkedSender()]);
  const log = (entry: object) => logger.warn("delivery problem", { ...entry });
  const failures: { itemIdentifier: string }[] = [];
  for (const { messageId, body } of event.Records) {
    const job = FanOut.decodeQueueJob(body);
    if ("kind" in job && job.kind === "removalSweep") {
      const outcome = await sweepRemovedSockets(db, { job, delivery: { sender, log } });
      const { roomId, userId } = job;
      if (outcome.failed > 0) {
        logger.error("removal sweep failed", { messageId, roomId, userId, ...outcome });
        failures.push({ itemIdentifier: messageId });
      } else logger.info("removal sweep", { messageId, roomId, userId, ...outcome });
      continue;
    }
    if ("kind" in job) {
      const { intervalMs, postsPerSecond } = presenceSettings();
      const scheduler = getDelayedJobQueue();
      const outcome = await Presence.announceDue(db, {
        job,
        sender,
        log,
        scheduler,
        intervalMs,
        postsPerSecond,
      });
      logger.info("presence digest", { messageId, roomId: job.roomId, ...outcome });
      continue;
    }
    const result = await FanOut.deliverPage(db, { job, sender, log });
    logger.info("fan-out page", { messageId, ...result });
    if (result.failed > 0) failures.push({ itemIdentifier: messageId });
  }
  return { batchItemFailures: failures };
});
