/** `Presence.announce(...)`, `Presence.announceDue(...)`, `Presence.changesOf(...)` at call sites. */
export { announceDueDigest as announceDue, announcePresence as announce } from "./announce-presence";
export { digestIntervalMs, trailingDelaySeconds } from "./digest-timing";
export { claimDigest, queue, read, scheduleTrailing } from "./presence-marker";
export { connectionChanges as changesOf } from "./stream-changes";
