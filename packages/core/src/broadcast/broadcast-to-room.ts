import * as Connection from "../connection/connection";
import type { ConnectionItem } from "../connection/connection.entity";
import type { Db } from "../db/create-db";
import type { ServerFrame } from "../protocol/frames";
import type { Member } from "../protocol/shapes";
import type { BroadcastResult } from "./connection-sender";
import type { DeliveryOptions } from "./delivery-options";
import { forEachConcurrently, itemsWithPrefetch } from "./for-each-concurrently";
import { type FinalOutcome, sendWithRetry } from "./send-with-retry";
import { serializeFrame } from "./serialize-frame";

/**
 * Posts in flight per broadcast. Chosen from bench/suites/fanout.ts (20 ms per post, real SDK, 2 shared cores):
 * 32 reaches the CPU's ceiling (~900-1,050 posts/s: 1,000 connections in 0.94 s, 23x concurrency 1) with the
 * p95 post still near the network floor (38-46 ms). 64 was 15-30% faster on a quiet machine but doubled that
 * p95 and lost to 32 under CPU contention (as on a fractional-vCPU Lambda); 128 was slower at 5,000; an
 * unbounded Promise.all timed out every post at 5,000. 32 x 50 posts/s also leaves room under API Gateway's
 * account-wide rate limit for several broadcasts at once.
 */
export const DEFAULT_CONCURRENCY = 32;

export interface BroadcastToRoomOptions extends DeliveryOptions {
  roomId: string;
  frame: ServerFrame;
  /** Connections that must get nothing from this broadcast: neither the frame nor `memberLeft` announcements. */
  except?: Iterable<string>;
  /** Reference time for "live" (records past their expiry are skipped before TTL deletes them). */
  now?: Date;
  /** Query page size; DynamoDB's 1 MB page when omitted. */
  pageSize?: number;
  /** The room's live connections when the caller has just listed them (no second Query). */
  listing?: readonly ConnectionItem[];
  /** Connections that already have this frame (the sender's echo): not sent again, but told of members who left. */
  alreadySent?: Iterable<string>;
}

/**
 * Sends one frame to every live connection of a room and returns what happened; one bad connection never
 * fails the others. The frame is encoded once and refused (PayloadTooLargeError) before any send if over 128 KB.
 * - gone (410): the record is deleted; if this call deleted it (not a concurrent one), the member's
 *   `memberLeft` is announced to the connections that remain.
 * - retryable (429, 5xx): retried with full-jitter backoff, at most `maxRetries` times, then failed.
 * - failed: counted and logged.
 * `delivered` and `failed` count connections for `frame`; `pruned` and `retried` also include the announcements.
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
  const fanOut = createFanOut(db, delivery);
  const skipped = new Set(except);
  const sentBefore = new Set(alreadySent);
  // Who hears about members pruned along the way: everyone listed who is neither gone nor unreachable.
  const remaining = new Set<string>();
  const connections = listing ?? itemsWithPrefetch(Connection.pagesByRoom(db, { roomId, now, pageSize }));

  await forEachConcurrently(connections, fanOut.concurrency, async ({ connectionId }) => {
    if (skipped.has(connectionId)) return;
    if (sentBefore.has(connectionId)) {
      remaining.add(connectionId);
      return;
    }
    const status = await fanOut.deliver(connectionId, data, frame.type);
    if (status === "delivered") {
      fanOut.result.delivered++;
      remaining.add(connectionId);
    } else if (status === "failed") {
      fanOut.result.failed++;
    }
  });

  await fanOut.announceLeaves(remaining);
  return fanOut.result;
}

/**
 * The state of one broadcast: counters, and the members it pruned and still has to announce. Announcing
 * reuses the listing already made instead of querying the room again per pruned member.
 */
function createFanOut(db: Db, { sender, concurrency = DEFAULT_CONCURRENCY, log, ...retry }: DeliveryOptions) {
  const result: BroadcastResult = { delivered: 0, pruned: 0, failed: 0, retried: 0 };
  const unannounced: Member[] = [];

  /** One connection, retries included; a gone one is pruned here. */
  async function deliver(
    connectionId: string,
    data: Uint8Array,
    frameType: string,
  ): Promise<FinalOutcome["status"]> {
    const { outcome, retries } = await sendWithRetry(sender, { connectionId, data }, retry);
    result.retried += retries;
    if (outcome.status === "failed")
      log?.({ event: "send_failed", connectionId, frameType, reason: outcome.reason });
    if (outcome.status === "gone") await prune(connectionId, frameType);
    return outcome.status;
  }

  async function prune(connectionId: string, frameType: string) {
    try {
      // Atomic: of several broadcasts meeting the same gone connection, exactly one gets the record back.
      const removed = await Connection.remove(db, { connectionId });
      if (!removed) return;
      result.pruned++;
      unannounced.push(Connection.toMember(removed));
    } catch (error) {
      // The record stays; the next broadcast (or TTL) removes it.
      log?.({
        event: "prune_failed",
        connectionId,
        frameType,
        reason: (error as Error)?.message ?? String(error),
      });
    }
  }

  /**
   * Sends `memberLeft` for every pruned member to every remaining connection. A connection found gone here is
   * pruned in turn and announced in the next round; each round needs a fresh deletion, and `remaining` only
   * shrinks, so the loop ends after at most as many rounds as the room had connections.
   */
  async function announceLeaves(remaining: Set<string>) {
    while (unannounced.length > 0) {
      const frames = unannounced.splice(0).map((member) => serializeFrame({ type: "memberLeft", member }));
      await forEachConcurrently(pairs(remaining, frames), concurrency, async ([connectionId, data]) => {
        if (!remaining.has(connectionId)) return;
        const status = await deliver(connectionId, data, "memberLeft");
        // Unreachable or gone: do not pay a timeout again for each further announcement.
        if (status !== "delivered") remaining.delete(connectionId);
      });
    }
  }

  return { result, concurrency, deliver, announceLeaves };
}

/** Every (connection, frame) pair; reads `remaining` lazily so connections dropped meanwhile are skipped. */
function* pairs(remaining: Set<string>, frames: Uint8Array[]): Generator<[string, Uint8Array]> {
  for (const connectionId of remaining) for (const data of frames) yield [connectionId, data];
}
