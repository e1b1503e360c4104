import type { CommandOutbox } from "./command-outbox";
import type { Todo } from "./protocol";
import { removeTodo, snapshotTodos, upsertTodo } from "./room-state";
import type { RoomStore } from "./room-store";
import type { SendResult } from "./send-result";
import {
  addTodoCommand,
  deleteTodoCommand,
  type TodoChanges,
  type TodoMove,
  todoMoveCommand,
  updateTodoCommand,
} from "./todo-commands";
import { TodoMoves } from "./todo-moves";

export interface RoomTodosOptions {
  store: RoomStore;
  newClientId: () => string;
  /** Closed for good. */
  ended(): boolean;
  /** Where the person's commands go out, and hear of the `todo` frames that may answer an add. */
  commands: Pick<CommandOutbox, "send" | "answered">;
}

/**
 * The room's todos on this connection: the person's commands on them (todo-commands.ts), the server's copies as
 * they come back, and moves that wait for the copy of the move before them (todo-moves.ts).
 */
export class RoomTodos {
  readonly #options: RoomTodosOptions;
  /** Todos deleted while we watched: a snapshot read before the deletion cannot bring them back. */
  readonly #deleted = new Set<string>();
  readonly #moves = new TodoMoves();

  constructor(options: RoomTodosOptions) {
    this.#options = options;
  }

  /** A todo list as the server read it (a snapshot, the HTTP seed), less the todos deleted since. */
  fromSnapshot(todos: readonly Todo[]): readonly Todo[] {
    return snapshotTodos(todos, this.#deleted);
  }

  add(title: string): SendResult {
    const { commands, newClientId } = this.#options;
    return commands.send(addTodoCommand(title, newClientId()));
  }

  update(todo: Todo, changes: TodoChanges): SendResult {
    return this.#options.commands.send(updateTodoCommand(todo, changes));
  }

  delete(todo: Todo): SendResult {
    return this.#options.commands.send(deleteTodoCommand(todo));
  }

  /**
   * A move sent at a version that is still on its way holds the next moves of that todo until the server's copy
   * arrives (each move needs the version and order the last one made).
   */
  move(todoId: string, move: TodoMove): SendResult {
    const { store, ended, commands } = this.#options;
    if (!ended() && store.state.status === "live" && this.#moves.queueBehind(todoId, move))
      return { ok: true };
    const command = todoMoveCommand(store.state.todos, todoId, move);
    const result = commands.send(command);
    const todo = store.state.todos.find((t) => t.todoId === todoId);
    if (result.ok && command && todo) this.#moves.sent(todoId, todo.version);
    return result;
  }

  /** A `todo` frame: the server's copy of a todo (unless it was deleted since). */
  received({ todo, clientTodoId }: { todo: Todo; clientTodoId?: string }): void {
    const { store, commands } = this.#options;
    if (this.#deleted.has(todo.todoId)) return;
    store.update({ todos: upsertTodo(store.state.todos, todo) });
    this.#continueMoves(todo);
    commands.answered(clientTodoId);
  }

  /** A `todoDeleted` frame. */
  removed(todoId: string): void {
    const { store } = this.#options;
    this.#deleted.add(todoId);
    store.update({ todos: removeTodo(store.state.todos, todoId) });
  }

  /** A command of ours lost a race (`conflict`): the server's copy replaces ours; moves queued behind are dropped. */
  conflict(todo: Todo): void {
    const { store } = this.#options;
    this.#moves.forget(todo.todoId);
    if (!this.#deleted.has(todo.todoId)) store.update({ todos: upsertTodo(store.state.todos, todo) });
  }

  /** The socket is gone: moves on it may be lost, so the next ones start from what the snapshot shows. */
  socketGone(): void {
    this.#moves.clear();
  }

  /** The server's copy of a todo arrived: a move of it that was waiting for that goes out now. */
  #continueMoves(todo: Todo): void {
    const [next, ...rest] = this.#moves.arrived(todo) ?? [];
    if (!next || !this.move(todo.todoId, next).ok) return;
    this.#moves.queueBehind(todo.todoId, ...rest);
  }
}
