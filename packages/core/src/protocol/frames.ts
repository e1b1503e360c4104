import { z } from "zod";
import type { ErrorCode } from "../errors/domain-errors";
import { idSchema } from "../ids/ids";
import { sendFields } from "../message/message";
import { addFields, hasChange, removeFields, updateFields } from "../todo/todo";
import type { Member, Message, Room, Todo } from "./shapes";

/** API Gateway refuses client frames over 32 KB (close code 1009). */
export const MAX_CLIENT_FRAME_BYTES = 32 * 1024;
/** API Gateway refuses to post more than 128 KB to a connection. */
export const MAX_SERVER_FRAME_BYTES = 128 * 1024;

export const clientActions = ["sendMessage", "addTodo", "updateTodo", "deleteTodo", "sync", "ping"] as const;
export type ClientAction = (typeof clientActions)[number];

/** Every frame a client may send, keyed by `action` (API Gateway's route selection expression). */
export const clientFrameSchemas = {
  sendMessage: sendFields.extend({ action: z.literal("sendMessage") }),
  addTodo: addFields.extend({ action: z.literal("addTodo") }),
  updateTodo: updateFields.extend({ action: z.literal("updateTodo") }).refine(hasChange, "give title or done to change"),
  deleteTodo: removeFields.extend({ action: z.literal("deleteTodo") }),
  sync: z.object({ action: z.literal("sync"), after: idSchema.optional() }),
  ping: z.object({ action: z.literal("ping") }),
} satisfies Record<ClientAction, z.ZodType>;

export type ClientFrame = { [A in ClientAction]: z.infer<(typeof clientFrameSchemas)[A]> }[ClientAction];
export type ClientFrameOf<A extends ClientAction> = z.infer<(typeof clientFrameSchemas)[A]>;

export interface Snapshot {
  room: Room;
  todos: Todo[];
  members: Member[];
  messages: Message[];
  hasMore: boolean;
}

/** Every frame the server sends. */
export type ServerFrame =
  | { type: "message"; message: Message }
  | { type: "todo"; todo: Todo }
  | { type: "todoDeleted"; todoId: string }
  | ({ type: "snapshot" } & Snapshot)
  | { type: "pong" }
  | { type: "memberJoined"; member: Member }
  | { type: "memberLeft"; member: Member }
  /** To a member the owner removed, just before the server closes their socket. */
  | { type: "removed"; roomId: string }
  | { type: "error"; code: "conflict"; message: string; todo: Todo; action?: string }
  | { type: "error"; code: ErrorCode; message: string; action?: string; issues?: { path: (string | number)[]; message: string }[] };
