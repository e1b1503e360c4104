import { createMemo, For, Show } from "solid-js";
import type { Member } from "@rooms/core/protocol";

/** Who is here now. A name connected more than once (tabs, devices, namesakes) is listed once with a count. */
export function MemberList(props: { members: readonly Member[]; me: string }) {
  const people = createMemo(() => {
    const counts = new Map<string, number>();
    for (const member of props.members) counts.set(member.name, (counts.get(member.name) ?? 0) + 1);
    return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name));
  });
  return (
    <Show when={people().length > 0} fallback={<p class="hint">Nobody is connected right now.</p>}>
      <ul class="members" data-testid="members">
        <For each={people()}>
          {(person) => (
            <li>
              <span class="avatar" aria-hidden="true">
                {person.name.slice(0, 1).toUpperCase()}
              </span>
              <span class="member-name">{person.name}</span>
              <Show when={person.name === props.me}>
                <span class="hint"> (you)</span>
              </Show>
              <Show when={person.count > 1}>
                <span class="hint"> · {person.count} connections</span>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
