/**
 * The limits of the product, each a named setting with its default, in one place (docs/api.md lists them).
 */

/** At most one `typing` per connection is forwarded in this window; the rest are dropped silently. */
export const TYPING_INTERVAL_MS = 3_000;
/** Mentions per message. */
export const MAX_MENTIONS = 20;
/** Messages in a `sync` without `afterSeq` (the newest page) and per `sync` with it. */
export const SYNC_NEWEST_PAGE = 50;
export const SYNC_AFTER_PAGE = 100;
/**
 * `sync` with `afterSeq` also re-reads this many messages up to `afterSeq` (the ones the client most likely
 * holds) and returns those changed since (edited, deleted, reactions) in `changes`.
 */
export const SYNC_CHANGES_WINDOW = 200;
/**
 * How long a container reuses a room's connection list for `message`, `typing` and `read` frames
 * (broadcast/connection-list-cache.ts): a chatty room's messages then cost one gsi1 Query per this window, not one
 * each. A member who joined within it may miss such a frame live and sees that from `seq`.
 */
export const CONNECTION_LIST_CACHE_MS = 1_000;
/** Connections the list cache holds in one container, over all its rooms; least recently used rooms go first. */
export const CONNECTION_LIST_CACHE_MAX_CONNECTIONS = 50_000;

/**
 * A token bucket: `rate` calls per `perMs` sustained, up to `burst` at once from a full bucket. Held in DynamoDB
 * (see rate-limit/), so it holds across Lambda instances.
 */
export interface RateLimitSetting {
  rate: number;
  perMs: number;
  burst: number;
}

/**
 * The limits a stage (or a test stack) may raise, each by its setting name (docs/api.md lists them). On AWS they
 * come from the `Limits` link (infra), locally from LocalStackOptions.limits / ROOMS_LIMITS; unset ones keep these.
 */
export const defaultLimits = {
  /** Frames per connection per second, sustained (every frame counts, `ping` included). */
  framesPerSecond: 10,
  /** Frames per connection at once. */
  frameBurst: 30,
  /** `POST /rooms` per user per minute. */
  roomsPerMinute: 10,
  /** `POST /rooms/{roomId}/tickets` per user per minute. */
  ticketsPerMinute: 60,
  /** `POST /sessions` per source IP per minute. */
  sessionsPerMinute: 20,
  /** Memberships per room; the owner's counts. */
  membersPerRoom: 5_000,
  /**
   * Live connections up to which a room gets per-member presence: memberJoined/memberLeft, `typing`, `read` and
   * the member list in `sync`. Past it: `presence` digests with the count, no typing or read frames, and a `sync`
   * with the count only (the member list is paged over HTTP).
   */
  presenceDetailLimit: 100,
  /**
   * Live sockets one user may hold in one room (frame limits are per socket, so this bounds one user's share of
   * a room). 10: a person's tabs and devices (a few tabs, a phone, a second computer) with room to spare.
   */
  connectionsPerUserInRoom: 10,
  /** Todos per room; `addTodo` past it is refused `limit_reached` (deleting one makes room). */
  todosPerRoom: 500,
  /** Distinct emojis per message; `react` with a new one past it is refused `limit_reached`. */
  reactionsPerMessage: 20,
};

export type Limits = typeof defaultLimits;
export type LimitName = keyof Limits;

/** The token bucket of each rate limit, from the settings. Per-minute limits allow their whole minute at once. */
export const rateLimitsOf = (limits: Limits) => ({
  frames: { rate: limits.framesPerSecond, perMs: 1_000, burst: limits.frameBurst },
  createRoom: { rate: limits.roomsPerMinute, perMs: 60_000, burst: limits.roomsPerMinute },
  createTicket: { rate: limits.ticketsPerMinute, perMs: 60_000, burst: limits.ticketsPerMinute },
  createSession: { rate: limits.sessionsPerMinute, perMs: 60_000, burst: limits.sessionsPerMinute },
});

export type RateLimitName = keyof ReturnType<typeof rateLimitsOf>;

/**
 * Overrides of `defaultLimits` as a stage or a test stack gives them (JSON, say `{"framesPerSecond":100}`):
 * each a positive integer under a known name; anything else is refused with the name at fault.
 */
export function limitsWith(overrides: Readonly<Record<string, unknown>> = {}): Limits {
  const limits = { ...defaultLimits };
  for (const [name, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(defaultLimits, name))
      throw new Error(`Unknown limit "${name}" (known: ${Object.keys(defaultLimits).join(", ")})`);
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1)
      throw new Error(`Limit ${name} must be a positive integer, got ${JSON.stringify(value)}`);
    limits[name as LimitName] = value;
  }
  return limits;
}
