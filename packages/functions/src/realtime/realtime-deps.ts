import { INLINE_THROTTLE_BUDGET_MS, type WebSocketRequestContext } from "@rooms/core/broadcast";
import type { RealtimeDeps } from "@rooms/core/realtime";
import { Ticket } from "@rooms/core/ticket";
import { safeParse } from "zod/mini";
import { getListingCache } from "../config/connection-list-cache";
import { getFanOut } from "../config/fan-out";
import { getLimits } from "../config/limits";
import { getSender } from "../config/realtime";
import { getDb } from "../config/table";
import { logger } from "../logging/logger";

/**
 * The deps of one WebSocket invocation; clients are shared across invocations (see config). `caller` is what the
 * `$connect` authorizer returned (API Gateway attaches it to every event of the connection), when the event
 * carries it in the ticket's shape; a client cannot put anything there.
 */
export async function realtimeFor({
  requestContext,
}: {
  requestContext: WebSocketRequestContext & { connectionId: string; authorizer?: unknown };
}): Promise<RealtimeDeps> {
  const db = await getDb();
  const sender = await getSender(requestContext);
  const fanOut = getFanOut();
  const listingCache = getListingCache();
  return {
    db,
    delivery: {
      sender,
      // The user's request waits on an inline broadcast: a shorter throttle budget than the fan-out workers'.
      throttleBudgetMs: INLINE_THROTTLE_BUDGET_MS,
      log: (entry) => logger.warn("delivery problem", { ...entry }),
      ...(fanOut && { fanOut }),
      ...(listingCache && { listingCache }),
    },
    connectionId: requestContext.connectionId,
    limits: getLimits(),
    ...callerOf(requestContext.authorizer),
  };
}

function callerOf(authorizer: unknown): Pick<RealtimeDeps, "caller"> {
  const parsed = safeParse(Ticket.claimsSchema, authorizer);
  return parsed.success ? { caller: parsed.data } : {};
}
