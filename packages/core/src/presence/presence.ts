/** `Presence.announce(...)`, `Presence.changesOf(...)` at call sites. */
export { announcePresence as announce } from "./announce-presence";
export { claimDigest, queue } from "./presence-marker";
export { connectionChanges as changesOf } from "./stream-changes";
