import type { Todo } from "./protocol";
import type { TodoMove } from "./todo-commands";

/**
 * Moves of todos on their way to the server, per todo: the version the move was sent at, and the moves asked for
 * since. Each move needs the version and order the last one made, so later moves wait for the server's copy.
 */
export class TodoMoves {
  readonly #moves = new Map<string, { sentAt: number; next: TodoMove[] }>();

  /** A move of `todoId` was sent at `version`. */
  sent(todoId: string, version: number): void {
    this.#moves.set(todoId, { sentAt: version, next: [] });
  }

  /** Queues `moves` behind the move of `todoId` on its way; false if none is on its way. */
  queueBehind(todoId: string, ...moves: TodoMove[]): boolean {
    const waiting = this.#moves.get(todoId);
    waiting?.next.push(...moves);
    return waiting !== undefined;
  }

  /**
   * The server's copy of a todo arrived. If it is newer than the move on its way, that move is done: returns the
   * moves that waited for it (to send now, in order); else null.
   */
  arrived(todo: Todo): TodoMove[] | null {
    const moves = this.#moves.get(todo.todoId);
    if (!moves || todo.version <= moves.sentAt) return null;
    this.#moves.delete(todo.todoId);
    return moves.next;
  }

  /** The server refused the move (a conflict): the moves queued behind it are dropped with it. */
  forget(todoId: string): void {
    this.#moves.delete(todoId);
  }

  /** The socket is gone: moves on it may be lost, so the next ones start from what the snapshot shows. */
  clear(): void {
    this.#moves.clear();
  }
}
