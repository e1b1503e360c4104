import middy from "@middy/core";
import { Presence, type StreamRecord } from "@rooms/core/presence";
import { getDelayedJobQueue } from "../config/fan-out";
import { presenceSettings } from "../config/presence";
import { getLinkedSender } from "../config/realtime";
import { getDb } from "../config/table";
import { logger } from "../logging/logger";

/**
 * The table stream's subscriber (workers.ts): announces the joins and leaves in a batch of connection INSERTs and
 * REMOVEs; a large room's digest slot being taken schedules a delayed digest on the fan-out queue, never a wait.
 * A throw fails the batch, and the event source mapping retries it.
 */
export const handler = middy(async (event: { Records: StreamRecord[] }) => {
  const [db, sender] = await Promise.all([getDb(), getLinkedSender()]);
  const log = (entry: object) => logger.warn("delivery problem", { ...entry });
  const changes = Presence.changesOf(db, event.Records);
  const scheduler = getDelayedJobQueue();
  const rooms = await Presence.announce(db, { changes, sender, log, scheduler, ...presenceSettings() });
  logger.info("presence", { records: event.Records.length, changes: changes.length, rooms });
});
