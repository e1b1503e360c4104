import type { ClientFrame } from "./protocol";

/** `addTodo` frames remembered to send again if the server refuses them as `rate_limited` (by `clientTodoId`). */
const REMEMBERED_ADDS = 20;

/**
 * Todo commands held back while a `rate_limited` wait runs, in the order made, to go out when it ends; and the
 * latest `addTodo` frames sent, so a refused one can be held again (its `clientTodoId` makes a repeat safe).
 * Updates, moves and deletes carry no id the refusal could echo, so a refused one is not repeated.
 */
export class HeldCommands {
  #held: ClientFrame[] = [];
  readonly #adds = new Map<string, ClientFrame>();

  /** A command went out. */
  sent(frame: ClientFrame): void {
    if (frame.action !== "addTodo" || !frame.clientTodoId) return;
    this.#adds.set(frame.clientTodoId, frame);
    for (const id of this.#adds.keys()) {
      if (this.#adds.size <= REMEMBERED_ADDS) break;
      this.#adds.delete(id);
    }
  }

  hold(frame: ClientFrame): void {
    this.#held.push(frame);
  }

  /** Holds again the add the server refused under `clientTodoId`; false if it is not one we remember. */
  holdRefused(clientTodoId: string | undefined): boolean {
    const frame = clientTodoId === undefined ? undefined : this.#adds.get(clientTodoId);
    if (!frame) return false;
    this.#held.push(frame);
    return true;
  }

  /** Everything held, oldest first; none is held afterwards. */
  take(): ClientFrame[] {
    const held = this.#held;
    this.#held = [];
    return held;
  }
}
