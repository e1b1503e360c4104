import type { CommandOutbox } from "./command-outbox";
import type { MessageOutbox } from "./message-outbox";
import { type NoticeContent, problemOfFrame } from "./notices";
import { refusedMessageIds } from "./pending-messages";
import type { ServerFrame } from "./protocol";
import type { Notice } from "./room-state";
import type { RoomStore } from "./room-store";
import type { RoomSync } from "./room-sync";
import type { RoomTodos } from "./room-todos";

type ErrorFrame = Extract<ServerFrame, { type: "error" }>;

/** Frames sent in the background: a refusal of one is nothing the person could act on. */
const backgroundActions = new Set(["ping", "typing", "markRead"]);

export interface RefusalsOptions {
  store: RoomStore;
  /** A `rate_limited` refusal without `retryAfterMs` waits this long. */
  defaultRetryAfterMs: number;
  /** The parts that sent what the server refused. */
  todos: Pick<RoomTodos, "conflict">;
  sync: Pick<RoomSync, "refused">;
  outbox: Pick<MessageOutbox, "failed" | "slowed">;
  commands: Pick<CommandOutbox, "refused" | "slowed">;
  notify(tone: Notice["tone"], content: NoticeContent): void;
  /** Holds what the person sends for `waitMs`, then sends it. */
  slowDown(waitMs: number): void;
}

/**
 * Error frames: the server refused a frame of ours, and the part of the connection that sent it takes the
 * refusal (a message fails, a todo's copy replaces ours, a sync starts over). A refusal is taken as one:
 * `rate_limited` holds what the person sends for the server's `retryAfterMs` and sends it then (never at once,
 * never as a failure).
 */
export class Refusals {
  readonly #options: RefusalsOptions;

  constructor(options: RefusalsOptions) {
    this.#options = options;
  }

  received(frame: ErrorFrame): void {
    const { store, todos, sync, outbox, commands, notify, defaultRetryAfterMs } = this.#options;
    if (frame.code === "conflict" && "todo" in frame && frame.todo) {
      todos.conflict(frame.todo);
      notify("info", { kind: "todoConflict", todoTitle: frame.todo.title });
      return;
    }
    const waitMs = ("retryAfterMs" in frame && frame.retryAfterMs) || defaultRetryAfterMs;
    if (frame.action === "sync") {
      sync.refused(frame.code, waitMs);
      return;
    }
    if (frame.action && backgroundActions.has(frame.action)) return;
    if (frame.code === "rate_limited") {
      this.#slowedDown(frame, waitMs);
      return;
    }
    // The error names the message it refused; without a name it is the one on the wire (one at a time).
    // Marking it failed is safe either way: a retry reuses the clientMessageId, and a copy that did land
    // still arrives.
    const refusedIds = refusedMessageIds(frame, store.state.pending);
    if (refusedIds) outbox.failed(refusedIds);
    if (frame.action === "addTodo") commands.refused(frame.clientTodoId);
    notify("error", {
      kind: "refused",
      problem: problemOfFrame(frame),
      ...(frame.action && { action: frame.action }),
    });
  }

  /**
   * The server refused a frame for coming too fast: whatever the person sends is held for `waitMs` and sent
   * then, the refused frame too where we can tell which it was (a message or a todo add, by its client id).
   * Background frames are simply dropped: the next one comes anyway.
   */
  #slowedDown(frame: ErrorFrame, waitMs: number): void {
    const { store, outbox, commands, notify, slowDown } = this.#options;
    const refusedIds = refusedMessageIds(frame, store.state.pending) ?? [];
    outbox.slowed(refusedIds);
    const heldAgain = frame.action === "addTodo" && commands.slowed(frame.clientTodoId);
    if (refusedIds.length > 0 || heldAgain) notify("info", { kind: "slowedDown", retryAfterMs: waitMs });
    else notify("error", { kind: "refused", problem: problemOfFrame(frame) });
    slowDown(waitMs);
  }
}
