import * as z from "zod/mini";
import "../errors/english-messages";
import type { ErrorCode } from "../errors/domain-errors";
import { sendFields } from "../message/message";
import { deleteFields, editFields } from "../message/message-edits";
import { reactFields } from "../reaction/reaction";
import { addFields, changesSomething, moveFields, removeFields, updateFields } from "../todo/todo";
import type { ClientAction } from "./constants";
import type { Member, Message, Reaction, ReadPosition, Room, Todo } from "./shapes";

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
    /** (v2, extra) The `syncedAt` of the client's last snapshot: `changes` then holds only what changed since. */
    changesSince: z.optional(z.iso.datetime()),
  }),
  editMessage: z.extend(editFields, { action: z.literal("editMessage") }),
  deleteMessage: z.extend(deleteFields, { action: z.literal("deleteMessage") }),
  react: z.extend(reactFields, { action: z.literal("react") }),
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
  /**
   * Live connections (one per socket), in rooms of at most the presence-detail limit of them; empty past it (the
   * member list is paged over HTTP there, and `presence` digests name who comes and goes).
   */
  members: Member[];
  /** How many connections are live: `members.length` within the limit, the count presence digests carry past it. */
  memberCount: number;
  messages: Message[];
  hasMore: boolean;
  /** The caller's read position (where the "new messages" divider goes). */
  readSeq: number;
  /** The other members' read positions (online or not), in rooms of at most the presence-detail limit of members (else empty). */
  reads: ReadPosition[];
  /**
   * (v2, extra) With `afterSeq` and `changesSince`: messages up to `afterSeq` (the newest 200 of them) edited,
   * deleted or reacted to since then, as they are now. A client replaces the ones it holds. Always sent (empty
   * without both); optional in the type only for snapshots built by older code.
   */
  changes?: Message[];
  /** (v2, extra) When this snapshot was read: the `changesSince` of the client's next `sync`. Always sent. */
  syncedAt?: string;
}

/** A snapshot as sent: whole, or in parts (`part` from 1, `last` on the final one) when over 128 KB. */
export type SnapshotFrame = { type: "snapshot" } & Snapshot & { part?: number; last?: boolean };

/** Every frame the server sends. */
export type ServerFrame =
  | { type: "message"; message: Message }
  /** `clientTodoId`: on the answer to an `addTodo` that carried one (to the whole room, like a message's id). */
  | { type: "todo"; todo: Todo; clientTodoId?: string }
  | { type: "todoDeleted"; todoId: string }
  /** (v2) An edit: the message as it is now (`editedAt`, current reactions without `mine`), to the whole room. */
  | { type: "messageUpdated"; message: Message }
  /** (v2) A deletion: the message at `seq` is a tombstone now, to the whole room. */
  | { type: "messageDeleted"; messageId: string; seq: number }
  /**
   * (v2) A message's reactions as they are now, to the whole room after a toggle. `mine` is set in the frames
   * to the reacting user's own connections (their own reactions changed), left out in everyone else's.
   */
  | { type: "reactions"; messageId: string; reactions: Reaction[] }
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
