import { createEffect, createSignal, Show } from "solid-js";
import { limits, type SendResult, type Todo } from "../network";
import { ErrorText } from "./error-text";
import { describeRefusal } from "./problem-text";
import { type Assignable, AssigneeBadge, AssigneePicker } from "./todo-assignee";

export interface TodoActions {
  toggle: (todo: Todo, done: boolean) => SendResult;
  rename: (todo: Todo, title: string) => SendResult;
  remove: (todo: Todo) => SendResult;
  /** One place up or down the list, or right after another todo (null: first). */
  move: (todo: Todo, move: "up" | "down" | { after: string | null }) => SendResult;
  /** To a member (userId), or to nobody (null). */
  assign: (todo: Todo, assigneeId: string | null) => SendResult;
}

/** The row's part in a drag: it is the one dragged, or the line showing where the dragged one lands is on it. */
export interface TodoDragState {
  dragged: boolean;
  dropLine: "before" | "after" | null;
  onHandleDown: (event: PointerEvent) => void;
}

/**
 * One todo: a drag handle, a checkbox to tick it, its assignee's initials, an assignee picker and an inline
 * editor. An edit is sent at the version that was on screen when editing began, so an edit that crossed someone
 * else's loses the race visibly instead of overwriting it. Alt+ArrowUp / Alt+ArrowDown on its checkbox and
 * buttons moves it one place (not on the picker, where Alt+ArrowDown opens the list); the list keeps the focus
 * on that control when it reorders (which happens when the server's copy with the new position arrives).
 */
export function TodoItem(props: {
  todo: Todo;
  disabled: boolean;
  actions: TodoActions;
  /** The room's members, who a todo can be assigned to; `me` is my userId. */
  people: readonly Assignable[];
  me: string;
  drag: TodoDragState;
}) {
  const [editing, setEditing] = createSignal<Todo | null>(null);
  const [draft, setDraft] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  let editButton: HTMLButtonElement | undefined;
  let checkbox: HTMLInputElement | undefined;
  // A tick shows at once; whatever the server says next (the broadcast, a conflict's current todo, a
  // snapshot after reconnecting) arrives as a new todo object and puts the box right again.
  createEffect(() => {
    const { done } = props.todo;
    if (checkbox) checkbox.checked = done;
  });
  const checkboxId = () => `todo-${props.todo.todoId}`;
  const moveByKey = (event: KeyboardEvent) => {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    report(props.actions.move(props.todo, event.key === "ArrowUp" ? "up" : "down"));
  };

  const report = (result: SendResult) => setError(result.ok ? null : describeRefusal(result.refusal));
  const startEditing = () => {
    setEditing(props.todo);
    setDraft(props.todo.title);
    setError(null);
  };
  const stopEditing = () => {
    setEditing(null);
    queueMicrotask(() => editButton?.focus());
  };
  const save = (event: SubmitEvent) => {
    event.preventDefault();
    const base = editing();
    if (!base) return;
    const result = props.actions.rename(base, draft());
    report(result);
    if (result.ok) stopEditing();
  };

  return (
    <li
      class="todo"
      classList={{
        done: props.todo.done,
        dragged: props.drag.dragged,
        "drop-before": props.drag.dropLine === "before",
        "drop-after": props.drag.dropLine === "after",
      }}
      data-todo-id={props.todo.todoId}
    >
      <Show
        when={editing()}
        fallback={
          <div class="todo-row">
            <span
              class="drag-handle"
              classList={{ disabled: props.disabled }}
              aria-hidden="true"
              title="Drag to move"
              onPointerDown={(e) => !props.disabled && props.drag.onHandleDown(e)}
            >
              ⠿
            </span>
            <input
              type="checkbox"
              id={checkboxId()}
              ref={checkbox}
              checked={props.todo.done}
              disabled={props.disabled}
              aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
              onKeyDown={moveByKey}
              onChange={(e) => {
                const result = props.actions.toggle(props.todo, e.currentTarget.checked);
                if (!result.ok) e.currentTarget.checked = props.todo.done;
                report(result);
              }}
            />
            <label for={checkboxId()} class="todo-title">
              {props.todo.title}
            </label>
            <Show when={props.todo.assigneeId} keyed>
              {(assigneeId) => <AssigneeBadge assigneeId={assigneeId} people={props.people} />}
            </Show>
            <div class="todo-controls">
              <AssigneePicker
                todo={props.todo}
                people={props.people}
                me={props.me}
                disabled={props.disabled}
                onPick={(assigneeId) => {
                  const result = props.actions.assign(props.todo, assigneeId);
                  report(result);
                  return result.ok;
                }}
              />
              <button
                type="button"
                class="small"
                ref={editButton}
                disabled={props.disabled}
                onKeyDown={moveByKey}
                onClick={startEditing}
                aria-label={`Edit “${props.todo.title}”`}
              >
                Edit
              </button>
              <button
                type="button"
                class="small danger"
                disabled={props.disabled}
                onKeyDown={moveByKey}
                onClick={() => report(props.actions.remove(props.todo))}
                aria-label={`Delete “${props.todo.title}”`}
              >
                Delete
              </button>
            </div>
          </div>
        }
      >
        <form class="todo-row" onSubmit={save}>
          <label for={`${checkboxId()}-title`} class="visually-hidden">
            Todo title
          </label>
          <input
            id={`${checkboxId()}-title`}
            class="grow"
            value={draft()}
            maxLength={limits.todoTitle}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onKeyDown={(e) => e.key === "Escape" && stopEditing()}
            ref={(input) => queueMicrotask(() => input.focus())}
          />
          <button type="submit" class="small primary" disabled={props.disabled}>
            Save
          </button>
          <button type="button" class="small" onClick={stopEditing}>
            Cancel
          </button>
        </form>
      </Show>
      <ErrorText message={error()} />
    </li>
  );
}
