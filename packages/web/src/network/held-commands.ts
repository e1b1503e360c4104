import type { ClientFrame } from "./protocol";

/**
 * Todo commands (updates, moves, deletes) held back while a `rate_limited` wait runs, in the order made, to go
 * out when it ends. They carry no id a refusal could echo, so a refused one is not repeated. Adds wait in their
 * own queue (todo-adds.ts), which knows the one on the wire and sends a refused one again.
 */
export class HeldCommands {
  #held: ClientFrame[] = [];

  hold(frame: ClientFrame): void {
    this.#held.push(frame);
  }

  /** Everything held, oldest first; none is held afterwards. */
  take(): ClientFrame[] {
    const held = this.#held;
    this.#held = [];
    return held;
  }
}
