import { createMemo, createSignal, For, Show } from "solid-js";
import { limits, type SendResult, type Todo } from "../network";
import { ErrorText } from "./error-text";
import { describeRefusal } from "./problem-text";
import { type TodoActions, TodoItem } from "./todo-item";

/** The room's shared todo list. Changes need a live connection; until then the list is read-only. */
export function TodoList(props: {
  todos: readonly Todo[];
  live: boolean;
  onAdd: (title: string) => SendResult;
  actions: TodoActions;
}) {
  const [title, setTitle] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  // Keyed by id, not by object: a todo replaced by someone else's change keeps its row (and an open editor).
  const ids = createMemo(() => props.todos.map((t) => t.todoId), [], {
    equals: (a, b) => a.length === b.length && a.every((id, i) => id === b[i]),
  });
  const byId = createMemo(() => new Map(props.todos.map((t) => [t.todoId, t])));
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
        <p class="hint">Alt+↑ and Alt+↓ move the todo in focus.</p>
        <ul class="todo-items" data-testid="todos">
          <For each={ids()}>
            {(id) => (
              <Show when={byId().get(id)}>
                {(todo) => <TodoItem todo={todo()} disabled={!props.live} actions={props.actions} />}
              </Show>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
