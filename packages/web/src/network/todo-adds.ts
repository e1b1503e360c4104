import type { ClientFrameOf } from "./protocol";

type AddFrame = ClientFrameOf<"addTodo">;

/**
 * The person's `addTodo` frames, put on the wire one at a time, in the order made. The server handles frames
 * concurrently and a new todo goes after the last one it reads, so two adds on the wire at once can land in
 * either order; the next one goes out only once the server answered the one before (its todo, or a refusal).
 * The answer is the `todo` frame that carries the add's `clientTodoId`.
 */
export class TodoAdds {
  #queued: AddFrame[] = [];
  #onWire: AddFrame | null = null;

  queue(frame: AddFrame): void {
    this.#queued.push(frame);
  }

  /** The next add to send, which counts as on the wire from now; null while one is on it or none is queued. */
  next(): AddFrame | null {
    if (this.#onWire) return null;
    this.#onWire = this.#queued.shift() ?? null;
    return this.#onWire;
  }

  /** A `todo` frame arrived (with the `clientTodoId` of the add it answers, if any): true if it is the one on the wire. */
  answered(clientTodoId: string | undefined): boolean {
    if (clientTodoId === undefined || clientTodoId !== this.#onWire?.clientTodoId) return false;
    this.#onWire = null;
    return true;
  }

  /**
   * The server refused an add: true if it was the one on the wire (named by `clientTodoId`; an error without it
   * can only be that one), which is then done.
   */
  refused(clientTodoId: string | undefined): boolean {
    if (!this.#isOnWire(clientTodoId)) return false;
    this.#onWire = null;
    return true;
  }

  /**
   * The add on the wire is to go again (refused as `rate_limited`, or the socket would not take it): it goes
   * back to the front of the queue. False if `clientTodoId` names another one.
   */
  sendAgain(clientTodoId: string | undefined): boolean {
    const frame = this.#onWire;
    if (!frame || !this.#isOnWire(clientTodoId)) return false;
    this.#queued.unshift(frame);
    this.#onWire = null;
    return true;
  }

  /**
   * Stops waiting for the add on the wire (its socket dropped, or no answer came in time); whether it landed
   * shows in the room's todos. The queued ones stay, in order, for the next socket.
   */
  release(): void {
    this.#onWire = null;
  }

  #isOnWire(clientTodoId: string | undefined): boolean {
    return (
      this.#onWire !== null && (clientTodoId === undefined || clientTodoId === this.#onWire.clientTodoId)
    );
  }
}
