/**
 * The narrow seam between broadcast and the AWS edge. An implementation posts one payload to one
 * connection (PostToConnection) and reports the outcome as data; it never throws for one connection.
 */
export type SendOutcome =
  /** Delivered (HTTP 200). */
  | { status: "delivered" }
  /** HTTP 410 / GoneException: the socket is closed; the record must be pruned. */
  | { status: "gone" }
  /** 429 / LimitExceeded / TooManyRequests, or a transient 5xx: worth retrying after a backoff. */
  | { status: "retryable"; reason: string }
  /** Anything else (including a per-call timeout): counted and logged, not retried. */
  | { status: "failed"; reason: string };

export interface ConnectionSender {
  send(input: { connectionId: string; data: Uint8Array }): Promise<SendOutcome>;
  /**
   * Closes a connection from the server side (DeleteConnection); API Gateway then runs `$disconnect` for it.
   * "gone" when it was already closed. Only routes that remove members use it.
   */
  close?(input: { connectionId: string }): Promise<SendOutcome>;
}

export interface BroadcastResult {
  /** Connections that received the payload. */
  delivered: number;
  /** Gone connections deleted by this broadcast. */
  pruned: number;
  /** Connections that could not be reached after retries, or failed for another reason. */
  failed: number;
  /** Retries made (a connection retried twice counts 2). */
  retried: number;
  /** A large room's connections handed to fan-out workers (they post; this call did not). */
  handedOff?: number;
}
