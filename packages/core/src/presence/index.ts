export type { AnnouncePresenceOptions, RoomPresenceOutcome } from "./announce-presence";
export type { DigestOptions, QueuedOutcome } from "./announce-queued";
export type { DigestTiming } from "./digest-timing";
export * as Presence from "./presence";
export type { PresenceItem } from "./presence.entity";
export {
  type MarkerState,
  PRESENCE_DIGEST_INTERVAL_MS,
  PRESENCE_DIGEST_NAMES,
  PRESENCE_DIGEST_POSTS_PER_SECOND,
} from "./presence-marker";
export type { AttributeValue, ConnectionChange, StreamRecord } from "./stream-changes";
