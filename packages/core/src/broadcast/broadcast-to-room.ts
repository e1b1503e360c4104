import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import { handOffIfLarge } from "../fanout/hand-off";
import type { ServerFrame } from "../protocol/frames";
import { cacheFor, listRoomConnections } from "./connection-list-cache";
import type { BroadcastResult } from "./connection-sender";
import type { DeliveryOptions } from "./delivery-options";
import { forEachConcurrently, itemsWithPrefetch } from "./for-each-concurrently";
import { sendWithRetry } from "./send-with-retry";
import { serializeFrame } from "./serialize-frame";
import { reportThrottleShare } from "./throttle-share";

/**
 * Posts in flight per broadcast. Chosen from bench/suites/fanout.ts (20 ms per post, real SDK, 2 shared cores):
 * 32 reaches the CPU's ceiling (~900-1,050 posts/s: 1,000 connections in 0.94 s, 23x concurrency 1) with the
 * p95 post still near the network floor (38-46 ms). 64 was 15-30% faster on a quiet machine but doubled that
 * p95 and lost to 32 under CPU contention (as on a fractional-vCPU Lambda); 128 was slower at 5,000; an
 * unbounded Promise.all timed out every post at 5,000. 32 x 50 posts/s also leaves room under API Gateway's
 * account-wide rate limit for several broadcasts at once. Those figures were taken with the SDK's own post; the
 * signed post (signed-post.ts) costs less CPU, and a quick run (BENCH_QUICK=1, 500 connections) then reached
 * ~1,000 posts/s at 32 and ~2,000 at 64: the choice is worth measuring again at full size.
 */
export const DEFAULT_CONCURRENCY = 32;

export interface BroadcastToRoomOptions extends DeliveryOptions {
  roomId: string;
  frame: ServerFrame;
  /** Connections that must get nothing from this broadcast: neither the frame nor `memberLeft` announcements. */
  except?: Iterable<string>;
  /** Reference time for "live" (records past their expiry are skipped before TTL deletes them). */
  now?: Date;
  /** Query page size; DynamoDB's 1 MB page when omitted (a list read without the cache). */
  pageSize?: number;
  /** The room's live connections when the caller has just listed them (no second Query, no hand-off). */
  listing?: readonly Pick<ConnectionItem, "connectionId">[];
  /** Connections that already have this frame (the sender's echo): not sent again. */
  alreadySent?: Iterable<string>;
}

/**
 * Sends one frame to every live connection of a room and returns what happened; one bad connection never
 * fails the others. The frame is encoded once and refused (PayloadTooLargeError) before any send if over 128 KB.
 * - gone (410): the record is deleted (once, however many broadcasts meet it); the deletion reaches the table's
 *   stream, and the presence handler announces the leave (packages/core/src/presence), so no fan-out here waits
 *   on announcing it.
 * - retryable: retried with full-jitter backoff (send-with-retry): a 429 until `throttleBudgetMs` is spent, a 5xx
 *   at most `maxRetries` times; then failed.
 * - failed: counted and logged.
 * With `fanOut` settings, a room past their inline limit is not posted to here: its pages go to the fan-out
 * workers (packages/core/src/fanout) and the result says how many connections were handed off.
 * With a `listingCache`, `message`, `typing` and `read` frames go to the room's list as this container last read
 * it (at most CONNECTION_LIST_CACHE_MS ago; see connection-list-cache.ts), and a gone connection leaves that copy.
 */
export async function broadcastToRoom(
  db: Db,
  {
    roomId,
    frame,
    except = [],
    now,
    pageSize,
    listing,
    alreadySent = [],
    ...delivery
  }: BroadcastToRoomOptions,
): Promise<BroadcastResult> {
  const data = serializeFrame(frame);
  const {
    sender,
    concurrency = DEFAULT_CONCURRENCY,
    log,
    accountPostRate,
    throttleShare,
    fanOut,
    listingCache,
    ...retry
  } = delivery;
  const result: BroadcastResult = { delivered: 0, pruned: 0, failed: 0, retried: 0 };
  const skipped = new Set([...except, ...alreadySent]);
  const cache = cacheFor(frame, listingCache);
  let connections: AsyncIterable<{ connectionId: string }> | Iterable<{ connectionId: string }>;
  if (listing) connections = listing;
  else if (fanOut) {
    const handOff = await handOffIfLarge(db, { roomId, frame, now, skip: skipped, fanOut, log, cache });
    if ("handedOff" in handOff) {
      // Large room: its pages are on the queue; the workers post them, this call is done.
      reportThrottleShare({ roomId, frameType: frame.type, posts: handOff.handedOff, delivery });
      return { ...result, handedOff: handOff.handedOff };
    }
    connections = handOff.listing;
  } else if (cache) connections = await listRoomConnections(db, { roomId, now, cache });
  else connections = itemsWithPrefetch(Connection.pagesByRoom(db, { roomId, now, pageSize }));

  await forEachConcurrently(connections, concurrency, async ({ connectionId }) => {
    if (skipped.has(connectionId)) return;
    const { outcome, retries } = await sendWithRetry(sender, { connectionId, data }, retry);
    result.retried += retries;
    if (outcome.status === "delivered") result.delivered++;
    if (outcome.status === "failed") {
      result.failed++;
      log?.({ event: "send_failed", connectionId, frameType: frame.type, reason: outcome.reason });
    }
    if (outcome.status !== "gone") return;
    listingCache?.drop(roomId, connectionId);
    if (await pruneGone(db, { connectionId, frameType: frame.type, log })) result.pruned++;
  });
  reportThrottleShare({ roomId, frameType: frame.type, posts: result.delivered + result.failed, delivery });
  return result;
}

/** Deletes a gone connection's record; true if this call deleted it. A failure is logged: TTL removes it later. */
export async function pruneGone(
  db: Db,
  { connectionId, frameType, log }: { connectionId: string; frameType: string; log?: DeliveryOptions["log"] },
): Promise<boolean> {
  try {
    return (await Connection.remove(db, { connectionId })) !== null;
  } catch (error) {
    log?.({
      event: "prune_failed",
      connectionId,
      frameType,
      reason: (error as Error)?.message ?? String(error),
    });
    return false;
  }
}
