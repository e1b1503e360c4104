/** The flows behind each WebSocket route: look up the sender's connection, do one domain step, fan out. */

/** A frame to one connection outside any flow (the handlers' error frames), without the @connections client. */
export { sendToConnection } from "../broadcast/send-to-connection";
export { answerPing } from "./answer-ping";
export { closeMemberSockets, REMOVAL_SWEEP_DELAY_SECONDS, sweepRemovedSockets } from "./close-member-sockets";
export { forJoinedConnection } from "./for-joined-connection";
export { forwardTyping } from "./forward-typing";
export { joinRoom } from "./join-room";
export { leaveRoom } from "./leave-room";
export { markRead } from "./mark-read";
export { deleteMessage, editMessage, react } from "./message-changes";
export type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";
export { refuseUnknownFrame } from "./refuse-unknown-frame";
export { removeMember } from "./remove-member";
export { addTodo, deleteTodo, moveTodo, updateTodo } from "./room-todos";
export { sendChatMessage } from "./send-chat-message";
export { sendSnapshot } from "./send-snapshot";
