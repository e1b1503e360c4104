export type { AnnouncePresenceOptions, RoomPresenceOutcome } from "./announce-presence";
export * as Presence from "./presence";
export type { PresenceItem } from "./presence.entity";
export { PRESENCE_DIGEST_INTERVAL_MS, PRESENCE_DIGEST_NAMES } from "./presence-marker";
export type { AttributeValue, ConnectionChange, StreamRecord } from "./stream-changes";
