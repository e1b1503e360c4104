import { HeldCommands } from "./held-commands";
import { fitsClientFrame } from "./limits";
import type { MessageCommand } from "./message-commands";
import { NamedTimers } from "./named-timers";
import type { ClientFrame } from "./protocol";
import { refused, type SendResult } from "./send-result";
import type { Clock } from "./socket-seam";
import { TodoAdds } from "./todo-adds";
import type { TodoCommand } from "./todo-commands";

export interface CommandOutboxOptions {
  clock: Clock;
  /** An add whose answer has not come by then stops holding up the rest. */
  sendTimeoutMs: number;
  /** Closed for good. */
  ended(): boolean;
  live(): boolean;
  /** A `rate_limited` wait runs. */
  waiting(): boolean;
  /** Puts a frame on the wire; false if the socket could not take it. */
  transmit(frame: ClientFrame): boolean;
}

/**
 * The person's commands other than new messages (todo commands; edits, deletions and reactions of messages) on
 * their way out: checked, then sent now, or held while a `rate_limited` wait runs (held-commands.ts). Todo adds
 * go one at a time (todo-adds.ts), so the server places them in the order made.
 */
export class CommandOutbox {
  readonly #options: CommandOutboxOptions;
  readonly #timers: NamedTimers<"todoAdd">;
  readonly #adds = new TodoAdds();
  readonly #held = new HeldCommands();

  constructor(options: CommandOutboxOptions) {
    this.#options = options;
    this.#timers = new NamedTimers(options.clock);
  }

  /** A command: refused, nothing to do, held while a `rate_limited` wait runs, or sent now. */
  send(command: TodoCommand | MessageCommand): SendResult {
    const { ended, live, waiting, transmit } = this.#options;
    if (ended()) return refused("ended");
    if (command === null) return { ok: true };
    if ("refusal" in command) return refused(command.refusal);
    if (!live()) return refused("offline");
    const { frame } = command;
    if (!fitsClientFrame(JSON.stringify(frame))) return refused("tooLarge");
    if (frame.action === "addTodo") {
      this.#adds.queue(frame);
      this.#nextAdd();
    } else if (waiting()) this.#held.hold(frame);
    else if (!transmit(frame)) return refused("offline");
    return { ok: true };
  }

  /** The wait for a live connection or for the end of a `rate_limited` wait is over: what waited goes out. */
  flush(): void {
    this.#nextAdd();
    for (const frame of this.#held.take()) this.#options.transmit(frame);
  }

  /** A `todo` frame arrived: if it answers the add on the wire, the next may go. */
  answered(clientTodoId: string | undefined): void {
    if (this.#adds.answered(clientTodoId)) this.#addDone();
  }

  /** The server refused an add: if it was the one on the wire, the next may go. */
  refused(clientTodoId: string | undefined): void {
    if (this.#adds.refused(clientTodoId)) this.#addDone();
  }

  /**
   * The server refused an add as `rate_limited`: true if it was the one on the wire, which then goes again when
   * the wait ends.
   */
  slowed(clientTodoId: string | undefined): boolean {
    const heldAgain = this.#adds.sendAgain(clientTodoId);
    if (heldAgain) this.#timers.clear("todoAdd");
    return heldAgain;
  }

  /**
   * The socket is gone (dropped, or closed for good): an add on the wire may or may not have landed (the
   * snapshot shows); the ones queued behind it wait.
   */
  socketGone(): void {
    this.#adds.release();
    this.#timers.clear("todoAdd");
  }

  /**
   * Puts the next queued add on the wire, if none is on it and we may send. One whose answer never comes stops
   * holding up the rest after `sendTimeoutMs`.
   */
  #nextAdd(): void {
    const { sendTimeoutMs, live, waiting, transmit } = this.#options;
    if (!live() || waiting()) return;
    const frame = this.#adds.next();
    if (!frame) return;
    if (!transmit(frame)) {
      this.#adds.sendAgain(frame.clientTodoId);
      return;
    }
    this.#timers.set("todoAdd", sendTimeoutMs, () => this.#addDone(false));
  }

  /** The add on the wire was answered (`done`), or is waited for no more (no answer came in time): the next may go. */
  #addDone(done = true): void {
    if (!done) this.#adds.release();
    this.#timers.clear("todoAdd");
    this.#nextAdd();
  }
}
