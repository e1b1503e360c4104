import type { BackoffOptions } from "@rooms/core/backoff";

export interface ConnectionTiming {
  /** Reconnects wait a full-jitter backoff (core's, the one the server's retries use). */
  backoff: Required<Pick<BackoffOptions, "baseDelayMs" | "maxDelayMs">>;
  /** API Gateway closes a connection idle for 10 minutes; a ping every 5 keeps it open. */
  pingEveryMs: number;
  /** No frame at all this long after a ping means the socket is dead even if it looks open. */
  pongTimeoutMs: number;
  /** From opening the socket to holding a snapshot; beyond it we try again. */
  connectTimeoutMs: number;
  /** API Gateway ends every connection after 2 hours; we move to a fresh one before that. */
  maxConnectionAgeMs: number;
  /** A sent message whose copy has not come back by then is shown as failed (it can be retried safely). */
  sendTimeoutMs: number;
  /** A connection that stayed live this long resets the backoff, so one flaky hour doesn't slow the next drop. */
  stableAfterMs: number;
  /** Info notices disappear after this long; errors stay until dismissed. */
  infoNoticeMs: number;
  /**
   * Seeing a seq beyond a hole (a message, or a pong's `lastSeq`) waits this long for the missing messages to
   * arrive live before syncing exactly that range: broadcasts of neighbouring messages race each other, so a
   * hole is usually filled a moment later, and a sync answers with the room's todos and members too.
   */
  gapSyncDelayMs: number;
  /**
   * One ping this long after going live: the server fans a message out to a room's connection list that it
   * reuses for up to 1 s (core's CONNECTION_LIST_CACHE_MS), so a message stored right after our snapshot can miss
   * us live; the pong's `lastSeq` shows it.
   */
  joinCheckAfterMs: number;
  /** `markRead` is sent at most this often, for the newest message seen by then. */
  markReadDelayMs: number;
  /**
   * `typing` is sent at most this often while the person types. The server forwards one per 3 s per connection
   * and drops the rest, so this is a little more, for network jitter not to get one dropped.
   */
  typingEveryMs: number;
  /** Someone shows as typing for this long after their last `typing` frame. */
  typingShownMs: number;
  /**
   * Handshakes refused in a row (the socket closed before it opened, with a fresh ticket each time) before the
   * connection gives up. A browser is not told the handshake's status, so a full room (403) looks like this.
   */
  maxRefusedHandshakes: number;
  /** A `rate_limited` refusal without `retryAfterMs` (not per contract, but possible) waits this long. */
  defaultRetryAfterMs: number;
}

export const defaultTiming: ConnectionTiming = {
  backoff: { baseDelayMs: 500, maxDelayMs: 30_000 },
  pingEveryMs: 5 * 60_000,
  pongTimeoutMs: 20_000,
  connectTimeoutMs: 15_000,
  maxConnectionAgeMs: 110 * 60_000,
  sendTimeoutMs: 15_000,
  stableAfterMs: 10_000,
  infoNoticeMs: 8_000,
  gapSyncDelayMs: 1_000,
  joinCheckAfterMs: 2_000,
  markReadDelayMs: 1_000,
  typingEveryMs: 3_250,
  typingShownMs: 5_000,
  maxRefusedHandshakes: 6,
  defaultRetryAfterMs: 1_000,
};
