export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * "Full jitter" exponential backoff: a uniformly random delay in [0, min(cap, base * 2^attempt)).
 * Spreading reconnects evenly keeps a room's clients from stampeding the gateway after an outage.
 */
export function backoffDelay(
  attempt: number,
  { baseMs, capMs }: BackoffPolicy,
  random: () => number,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
