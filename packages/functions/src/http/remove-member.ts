import middy from "@middy/core";
import { Membership } from "@rooms/core/membership";
import { removeMember } from "@rooms/core/realtime";
import { getDelayedJobQueue } from "../config/fan-out";
import { getLinkedSender } from "../config/realtime";
import { getDb } from "../config/table";
import { noteInvocation } from "../logging/invocation-notes";
import { logger } from "../logging/logger";
import { type HttpEvent, httpMiddlewares } from "../middleware/http-stack";
import { noContent } from "./json-response";

/**
 * DELETE /rooms/{roomId}/members/{userId|me} → 204: the owner removes a member, or anyone leaves; their sockets
 * close now, and again in a sweep a few seconds later (a delayed job on the fan-out queue).
 */
export const handler = middy(async (event: HttpEvent<typeof Membership.removeInput>) => {
  const delivery = {
    sender: await getLinkedSender(),
    log: (entry: object) => logger.warn("delivery problem", { ...entry }),
  };
  const [db, sweeper] = [await getDb(), getDelayedJobQueue()];
  noteInvocation(
    event,
    await removeMember({ db, delivery, sweeper, input: event.input, caller: event.user }),
  );
  return noContent();
}).use(httpMiddlewares({ params: Membership.removeInput }));
