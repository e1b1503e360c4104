import { createEffect, For, Show } from "solid-js";
import type { Todo } from "../network";
import { initials } from "./initials";

/** Someone a todo can be assigned to: a member of the room. */
export interface Assignable {
  userId: string;
  name: string;
}

const nameOf = (people: readonly Assignable[], userId: string) =>
  people.find((p) => p.userId === userId)?.name;

/**
 * The assignee's initials in a circle, read out as "Assigned to <name>". Someone the loaded member list does
 * not name (a later page of a large room, or a person who has left) shows as "?".
 */
export function AssigneeBadge(props: { assigneeId: string; people: readonly Assignable[] }) {
  const name = () => nameOf(props.people, props.assigneeId);
  return (
    <span
      class="avatar todo-assignee"
      role="img"
      aria-label={`Assigned to ${name() ?? "someone not listed"}`}
    >
      {initials(name() ?? "?")}
    </span>
  );
}

/** Picks who a todo is assigned to: nobody, or one of the room's members (me marked "(you)"). */
export function AssigneePicker(props: {
  todo: Todo;
  people: readonly Assignable[];
  me: string;
  disabled: boolean;
  /** False if the change was not sent: the box then shows the todo's assignee again. */
  onPick: (assigneeId: string | null) => boolean;
}) {
  let select!: HTMLSelectElement;
  const current = () => props.todo.assigneeId ?? "";
  const unlisted = () => current() !== "" && !nameOf(props.people, current());
  // Every new copy of the todo (a broadcast, or the server's copy after a lost race) puts the box right.
  createEffect(() => {
    void props.people;
    select.value = current();
  });
  return (
    <select
      ref={select}
      class="assignee-picker"
      aria-label={`Assignee of “${props.todo.title}”`}
      disabled={props.disabled}
      onChange={(e) => {
        const picked = e.currentTarget.value;
        if (!props.onPick(picked === "" ? null : picked)) e.currentTarget.value = current();
      }}
    >
      <option value="">Nobody</option>
      <For each={props.people}>
        {(person) => (
          <option value={person.userId}>
            {person.userId === props.me ? `${person.name} (you)` : person.name}
          </option>
        )}
      </For>
      <Show when={unlisted()}>
        <option value={current()}>Someone not listed</option>
      </Show>
    </select>
  );
}
