import type { DeliveryOptions } from "./delivery-options";

/** API Gateway's default account-wide rate for @connections calls (posts per second, per region). */
export const DEFAULT_ACCOUNT_POST_RATE = 10_000;
/** A room's one fan-out may use this share of a second of the account rate before it is reported. */
export const DEFAULT_THROTTLE_SHARE = 0.5;

/**
 * Warns (a `throttle_share` log entry with the figures) when one fan-out posted more than `throttleShare` of a
 * second's worth of the account's post rate: a room that size, sending about once a second, leaves the rest of
 * the account too little, and posts start coming back 429 (retried, then failed). docs/deploy.md says which
 * room sizes fit which quota.
 */
export function reportThrottleShare({
  roomId,
  frameType,
  posts,
  delivery: { log, accountPostRate = DEFAULT_ACCOUNT_POST_RATE, throttleShare = DEFAULT_THROTTLE_SHARE },
}: {
  roomId: string;
  frameType: string;
  posts: number;
  delivery: Pick<DeliveryOptions, "log" | "accountPostRate" | "throttleShare">;
}): boolean {
  const budget = accountPostRate * throttleShare;
  if (posts <= budget) return false;
  log?.({ event: "throttle_share", roomId, frameType, posts, accountPostRate, throttleShare });
  return true;
}
