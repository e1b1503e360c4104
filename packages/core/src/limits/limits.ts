/**
 * The limits of the product, each a named setting with its default, in one place (docs/api.md lists them).
 */

/** Rooms with more live connections than this get no per-member presence detail: no typing, no read receipts. */
export const PRESENCE_DETAIL_LIMIT = 100;
/** At most one `typing` per connection is forwarded in this window; the rest are dropped silently. */
export const TYPING_INTERVAL_MS = 3_000;
/** Mentions per message. */
export const MAX_MENTIONS = 20;
/** Messages in a `sync` without `afterSeq` (the newest page) and per `sync` with it. */
export const SYNC_NEWEST_PAGE = 50;
export const SYNC_AFTER_PAGE = 100;
