import { limits } from "./limits";
import type { ClientFrame, ClientFrameOf, Todo } from "./protocol";
import type { Refusal } from "./send-result";

/**
 * The frames for the todo commands, checked before anything is sent. Each returns the frame, a refusal, or
 * `null` when there is nothing to send (an edit that changes nothing).
 */
export type TodoCommand = { frame: ClientFrame } | { refusal: Refusal } | null;

const titleRefusal = (title: string): Refusal | null =>
  !title ? "todoTitleMissing" : title.length > limits.todoTitle ? "todoTitleTooLong" : null;

export function addTodoCommand(title: string, clientTodoId: string): TodoCommand {
  const trimmed = title.trim();
  const refusal = titleRefusal(trimmed);
  return refusal ? { refusal } : { frame: { action: "addTodo", title: trimmed, clientTodoId } };
}

export interface TodoChanges {
  title?: string;
  done?: boolean;
  /** A member's userId, or null for nobody. */
  assigneeId?: string | null;
}

/** Changes a todo at the version shown; only what differs from it is sent. */
export function updateTodoCommand(todo: Todo, changes: TodoChanges): TodoCommand {
  const title = changes.title?.trim();
  const refusal = title === undefined ? null : titleRefusal(title);
  if (refusal) return { refusal };
  const frame: ClientFrameOf<"updateTodo"> = {
    action: "updateTodo",
    todoId: todo.todoId,
    version: todo.version,
  };
  if (title !== undefined && title !== todo.title) frame.title = title;
  if (changes.done !== undefined && changes.done !== todo.done) frame.done = changes.done;
  if (changes.assigneeId !== undefined && changes.assigneeId !== (todo.assigneeId ?? null))
    frame.assigneeId = changes.assigneeId;
  const changed = frame.title !== undefined || frame.done !== undefined || frame.assigneeId !== undefined;
  return changed ? { frame } : null;
}

/** Deletes the todo at the version shown: if someone changed it since, the server refuses with its current copy. */
export const deleteTodoCommand = (todo: Todo): TodoCommand => ({
  frame: { action: "deleteTodo", todoId: todo.todoId, version: todo.version },
});

/** Where a todo goes: one place up or down, or right after another todo (`after: null`: first). */
export type TodoMove = "up" | "down" | { after: string | null };

/** The frame for `move` of `todoId` in `todos` (in position order); see the two commands below. */
export const todoMoveCommand = (todos: readonly Todo[], todoId: string, move: TodoMove): TodoCommand =>
  typeof move === "string"
    ? moveTodoCommand(todos, todoId, move)
    : moveTodoAfterCommand(todos, todoId, move.after);

/**
 * Moves a todo one place up or down in `todos` (in position order): `after` names the todo it is to follow
 * (null: first). Refused when it is already at that end or not in the list.
 */
export function moveTodoCommand(
  todos: readonly Todo[],
  todoId: string,
  direction: "up" | "down",
): TodoCommand {
  const index = todos.findIndex((t) => t.todoId === todoId);
  const todo = todos[index];
  const target = direction === "up" ? index - 1 : index + 1;
  if (!todo || target < 0 || target >= todos.length) return { refusal: "cannotMove" };
  // Up: after the one two above (or first); down: after the one below.
  const after = direction === "up" ? (todos[index - 2]?.todoId ?? null) : (todos[target] as Todo).todoId;
  return { frame: { action: "moveTodo", todoId, version: todo.version, after } };
}

/**
 * Moves a todo to right after `after` in `todos` (in position order; null: first), as a drag and drop does.
 * Refused when either todo is not in the list or they are the same; nothing to send when it is there already.
 */
export function moveTodoAfterCommand(
  todos: readonly Todo[],
  todoId: string,
  after: string | null,
): TodoCommand {
  const index = todos.findIndex((t) => t.todoId === todoId);
  const todo = todos[index];
  const known = after === null || (after !== todoId && todos.some((t) => t.todoId === after));
  if (!todo || !known) return { refusal: "cannotMove" };
  if ((todos[index - 1]?.todoId ?? null) === after) return null;
  return { frame: { action: "moveTodo", todoId, version: todo.version, after } };
}
