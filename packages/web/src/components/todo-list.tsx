import { createMemo, createSignal, For, Show } from "solid-js";
import { limits, type SendResult, type Todo } from "../network";
import { ErrorText } from "./error-text";
import { keepFocusAcrossReorders } from "./keep-focus";
import { describeRefusal } from "./problem-text";
import type { Assignable } from "./todo-assignee";
import { createTodoDrag } from "./todo-drag";
import { type TodoActions, TodoItem } from "./todo-item";

/**
 * The room's shared todo list. Changes need a live connection; until then the list is read-only. Todos are
 * reordered by dragging their handle or with Alt+↑/↓, and "Assigned to me" narrows the list to mine (for this
 * visit of the room only: a reload shows everything again).
 */
export function TodoList(props: {
  todos: readonly Todo[];
  live: boolean;
  onAdd: (title: string) => SendResult;
  actions: TodoActions;
  /** The room's members, who a todo can be assigned to; `me` is my userId. */
  people: readonly Assignable[];
  me: string;
}) {
  const [title, setTitle] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [onlyMine, setOnlyMine] = createSignal(false);
  const shown = () => (onlyMine() ? props.todos.filter((t) => t.assigneeId === props.me) : props.todos);
  // Keyed by id, not by object: a todo replaced by someone else's change keeps its row (and an open editor).
  const ids = createMemo(() => shown().map((t) => t.todoId), [], {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const byId = createMemo(() => new Map(props.todos.map((t) => [t.todoId, t])));
  let list: HTMLUListElement | undefined;
  // A move (anyone's) reorders the rows: the focus stays on the control the move was made from, or in an open editor.
  keepFocusAcrossReorders(() => list, ids);
  const drag = createTodoDrag({
    list: () => list,
    onDrop: (todoId, after) => {
      const todo = byId().get(todoId);
      const result = todo && props.actions.move(todo, { after });
      setError(result && !result.ok ? describeRefusal(result.refusal) : null);
    },
  });
  /** Where the line showing the landing place goes: under the todo it would follow, or above the first one. */
  const dropLine = (id: string) => {
    const target = drag.target();
    if (!target) return null;
    if (target.after === id) return "after";
    const first = ids().find((other) => other !== target.todoId);
    return target.after === null && id === first ? "before" : null;
  };
  const open = () => props.todos.filter((t) => !t.done).length;
  const add = (event: SubmitEvent) => {
    event.preventDefault();
    const result = props.onAdd(title());
    if (!result.ok) return setError(describeRefusal(result.refusal));
    setTitle("");
    setError(null);
  };
  return (
    <div class="todos stack">
      <form class="row" onSubmit={add}>
        <label for="new-todo" class="visually-hidden">
          New todo
        </label>
        <input
          id="new-todo"
          class="grow"
          placeholder="Add a todo…"
          maxLength={limits.todoTitle}
          value={title()}
          onInput={(e) => {
            setTitle(e.currentTarget.value);
            setError(null);
          }}
        />
        <button type="submit" class="primary" disabled={!props.live || title().trim().length === 0}>
          Add
        </button>
      </form>
      <ErrorText message={error()} />
      <Show when={!props.live}>
        <p class="hint">Todo changes resume when the room is live again.</p>
      </Show>
      <Show when={props.todos.length > 0} fallback={<p class="hint">No todos yet.</p>}>
        <p class="hint" aria-live="polite">
          {open()} of {props.todos.length} open
        </p>
        <p class="hint">Drag a todo by its handle, or press Alt+↑ and Alt+↓, to move it.</p>
        <div class="row">
          <button
            type="button"
            class="small toggle"
            aria-pressed={onlyMine()}
            onClick={() => setOnlyMine((mine) => !mine)}
          >
            Assigned to me
          </button>
        </div>
        <Show when={ids().length > 0} fallback={<p class="hint">No todos are assigned to you.</p>}>
          <ul class="todo-items" data-testid="todos" ref={list}>
            <For each={ids()}>
              {(id) => (
                <Show when={byId().get(id)}>
                  {(todo) => (
                    <TodoItem
                      todo={todo()}
                      disabled={!props.live}
                      actions={props.actions}
                      people={props.people}
                      me={props.me}
                      drag={{
                        get dragged() {
                          return drag.dragging() === id;
                        },
                        get dropLine() {
                          return dropLine(id);
                        },
                        onHandleDown: (event) => drag.start(id, event),
                      }}
                    />
                  )}
                </Show>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </div>
  );
}
