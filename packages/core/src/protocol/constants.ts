/**
 * The protocol's sizes and action names, apart from the frame schemas (frames.ts) so that code needing only
 * these (serializing a frame, refusing an unknown action) loads no schema.
 */

/** API Gateway refuses client frames over 32 KB (close code 1009). */
export const MAX_CLIENT_FRAME_BYTES = 32 * 1024;
/** API Gateway refuses to post more than 128 KB to a connection. */
export const MAX_SERVER_FRAME_BYTES = 128 * 1024;

export const clientActions = [
  "sendMessage",
  "addTodo",
  "updateTodo",
  "moveTodo",
  "deleteTodo",
  "editMessage",
  "deleteMessage",
  "react",
  "sync",
  "markRead",
  "typing",
  "ping",
] as const;
export type ClientAction = (typeof clientActions)[number];
