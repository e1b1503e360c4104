import * as z from "zod/mini";
import "../errors/english-messages";
import type { ErrorCode } from "../errors/domain-errors";
import { sendFields } from "../message/message";
import { addFields, changesSomething, moveFields, removeFields, updateFields } from "../todo/todo";
import type { ClientAction } from "./constants";
import type { Member, Message, ReadPosition, Room, Todo } from "./shapes";

export {
  type ClientAction,
  clientActions,
  MAX_CLIENT_FRAME_BYTES,
  MAX_SERVER_FRAME_BYTES,
} from "./constants";

/** Every frame a client may send, keyed by `action` (API Gateway's route selection expression). */
export const clientFrameSchemas = {
  sendMessage: z.extend(sendFields, { action: z.literal("sendMessage") }),
  addTodo: z.extend(addFields, { action: z.literal("addTodo") }),
  updateTodo: z.extend(updateFields, { action: z.literal("updateTodo") }).check(changesSomething),
  moveTodo: z.extend(moveFields, { action: z.literal("moveTodo") }),
  deleteTodo: z.extend(removeFields, { action: z.literal("deleteTodo") }),
  sync: z.object({
    action: z.literal("sync"),
    afterSeq: z.optional(z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER))),
  }),
  markRead: z.object({
    action: z.literal("markRead"),
    seq: z.number().check(z.int(), z.gte(1), z.lte(Number.MAX_SAFE_INTEGER)),
  }),
  typing: z.object({ action: z.literal("typing") }),
  ping: z.object({ action: z.literal("ping") }),
} satisfies Record<ClientAction, z.ZodMiniType>;

export type ClientFrame = { [A in ClientAction]: z.infer<(typeof clientFrameSchemas)[A]> }[ClientAction];
export type ClientFrameOf<A extends ClientAction> = z.infer<(typeof clientFrameSchemas)[A]>;

export interface Snapshot {
  room: Room;
  todos: Todo[];
  /** Live connections (one per socket). */
  members: Member[];
  memberCount: number;
  messages: Message[];
  hasMore: boolean;
  /** The caller's read position (where the "new messages" divider goes). */
  readSeq: number;
  /** The other members' read positions (online or not), in rooms of at most the presence-detail limit of members (else empty). */
  reads: ReadPosition[];
}

/** A snapshot as sent: whole, or in parts (`part` from 1, `last` on the final one) when over 128 KB. */
export type SnapshotFrame = { type: "snapshot" } & Snapshot & { part?: number; last?: boolean };

/** Every frame the server sends. */
export type ServerFrame =
  | { type: "message"; message: Message }
  | { type: "todo"; todo: Todo }
  | { type: "todoDeleted"; todoId: string }
  | SnapshotFrame
  | { type: "pong"; lastSeq: number }
  | { type: "read"; userId: string; seq: number }
  | { type: "typing"; member: Member }
  | { type: "memberJoined"; member: Member }
  | { type: "memberLeft"; member: Member }
  /** Rooms past the presence-detail limit: who is here (count) and who came and went, at most every 2 s. */
  | { type: "presence"; count: number; joined: Member[]; left: Member[] }
  /** To a member the owner removed, just before the server closes their socket. */
  | { type: "removed"; roomId: string }
  | ({ type: "error"; code: "conflict"; message: string; todo: Todo } & ErrorEcho)
  | ({
      type: "error";
      code: ErrorCode;
      message: string;
      issues?: { path: (string | number)[]; message: string }[];
      /** `rate_limited`: wait this long before sending again. */
      retryAfterMs?: number;
    } & ErrorEcho);

/** What an error frame repeats of the frame it refuses, so the client knows which send failed. */
export interface ErrorEcho {
  action?: string;
  clientMessageId?: string;
  clientTodoId?: string;
}
