/**
 * The contract's shapes and frames as this client speaks them: @rooms/core/protocol, plus what the contract
 * says an error frame may carry that core's types don't list yet (`rate_limited` with `retryAfterMs`,
 * `limit_reached`).
 */
import type { ErrorCode, ValidationIssue as Issue } from "@rooms/core/errors";
import type * as Core from "@rooms/core/protocol";

export type {
  ClientFrame,
  ClientFrameOf,
  Member,
  Message,
  MyRoom,
  Reaction,
  ReadPosition,
  Role,
  Room,
  RoomMember,
  Snapshot,
  Todo,
  User,
  Visibility,
} from "@rooms/core/protocol";

/**
 * A snapshot frame as received: whole, or one part of several (`part` from 1, `last` on the final one). Read
 * as partial, so a part that leaves a field out keeps what the client has.
 */
export type SnapshotPart = Partial<Core.Snapshot> & { part?: number; last?: boolean };

type RefusalFrame = {
  type: "error";
  code: ErrorCode | "rate_limited" | "limit_reached";
  message: string;
  issues?: Issue[];
  retryAfterMs?: number;
} & Core.ErrorEcho;

/** Rooms past the presence-detail limit get this at most every 2 s instead of memberJoined / memberLeft. */
export type PresenceFrame = Extract<Core.ServerFrame, { type: "presence" }>;

/** Every frame the server sends. */
export type ServerFrame =
  | Exclude<Core.ServerFrame, { type: "error" }>
  | Extract<Core.ServerFrame, { type: "error"; code: "conflict" }>
  | RefusalFrame;
