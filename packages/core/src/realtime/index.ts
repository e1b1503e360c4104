/** The flows behind each WebSocket route: look up the sender's connection, do one domain step, fan out. */
export { joinRoom } from "./join-room";
export { leaveRoom } from "./leave-room";
export { sendChatMessage } from "./send-chat-message";
export { addTodo, updateTodo, deleteTodo } from "./room-todos";
export { sendSnapshot } from "./send-snapshot";
export { answerPing } from "./answer-ping";
export { markRead } from "./mark-read";
export { forwardTyping } from "./forward-typing";
export { refuseUnknownFrame } from "./refuse-unknown-frame";
export { forJoinedConnection } from "./for-joined-connection";
export type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";
export { removeMember } from "./remove-member";
/** A frame to one connection outside any flow (the handlers' error frames), without the @connections client. */
export { sendToConnection } from "../broadcast/send-to-connection";
