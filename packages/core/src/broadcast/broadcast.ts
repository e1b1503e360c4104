/** `Broadcast.toRoom(...)`, `Broadcast.toConnection(...)`, `Broadcast.pruneGone(...)` at call sites. */
export { broadcastToRoom as toRoom } from "./broadcast-to-room";
export { pruneGoneConnection as pruneGone } from "./prune-gone-connection";
export { sendToConnection as toConnection } from "./send-to-connection";
