import type { Limits } from "@rooms/core/limits";

/**
 * Rate limits raised far past what any test or benchmark reaches: they sign in hundreds of guests from one
 * address, create rooms and tickets in loops and send frames as fast as they can, which the defaults (20
 * sessions per minute per IP, 10 frames per second per connection, ...) rightly refuse. Stacks under test start
 * with these unless a test sets its own; the defaults themselves are tested where the limits are.
 * The member cap is not raised: no test or benchmark seats more than its 5,000 members.
 */
export const RAISED_LIMITS: Partial<Limits> = {
  framesPerSecond: 100_000,
  frameBurst: 100_000,
  roomsPerMinute: 100_000,
  ticketsPerMinute: 100_000,
  sessionsPerMinute: 100_000,
};
