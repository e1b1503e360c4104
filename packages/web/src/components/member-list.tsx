import { createSignal, For, Show } from "solid-js";
import type { Person } from "../room/people";
import { Badge } from "./badge";
import { ErrorText } from "./error-text";
import { keepFocusAcrossReorders } from "./keep-focus";
import { describeFailure } from "./problem-text";

/**
 * The room's members, one row per person (grouped by userId, never by name: names are not unique), with the
 * owner marked and who is here now. The owner can remove anyone else, after a confirmation in place.
 */
export function MemberList(props: {
  people: readonly Person[];
  me: string;
  canRemove: boolean;
  /** A private room: a removal also stops the invite links shared so far (the confirmation says so). */
  removalRevokesInvites: boolean;
  onRemove: (person: Person) => Promise<void>;
}) {
  let list: HTMLUListElement | undefined;
  // Presence reorders the rows (who is here comes first): an open confirmation keeps its focus as its row moves.
  keepFocusAcrossReorders(
    () => list,
    () => props.people.map((person) => person.userId),
  );
  return (
    <Show when={props.people.length > 0} fallback={<p class="hint">Nobody here yet.</p>}>
      <ul class="members" data-testid="members" ref={list}>
        <For each={props.people}>
          {(person) => (
            <MemberRow
              person={person}
              me={props.me}
              canRemove={props.canRemove}
              removalRevokesInvites={props.removalRevokesInvites}
              onRemove={props.onRemove}
            />
          )}
        </For>
      </ul>
    </Show>
  );
}

function MemberRow(props: {
  person: Person;
  me: string;
  canRemove: boolean;
  /** A private room: a removal also stops the invite links shared so far (the confirmation says so). */
  removalRevokesInvites: boolean;
  onRemove: (person: Person) => Promise<void>;
}) {
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let removeButton: HTMLButtonElement | undefined;
  const isMe = () => props.person.userId === props.me;
  const removable = () => props.canRemove && !isMe() && props.person.role !== "owner";
  const here = () => props.person.connections > 0;

  const cancel = () => {
    setConfirming(false);
    queueMicrotask(() => removeButton?.focus());
  };
  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onRemove(props.person);
    } catch (failure) {
      setError(describeFailure(failure));
      setBusy(false);
    }
  };

  return (
    <li class="member" data-user-id={props.person.userId} data-here={here() ? "true" : "false"}>
      <div class="member-row">
        <span class="avatar" aria-hidden="true">
          {props.person.name.slice(0, 1).toUpperCase()}
        </span>
        <span class="member-name">{props.person.name}</span>
        <Show when={isMe()}>
          <span class="hint">(you)</span>
        </Show>
        <Show when={props.person.role === "owner"}>
          <Badge>Owner</Badge>
        </Show>
        <span class="hint member-presence">
          {here()
            ? props.person.connections > 1
              ? `here · ${props.person.connections} connections`
              : "here"
            : "away"}
        </span>
        <Show when={removable() && !confirming()}>
          <button
            type="button"
            class="small danger member-action"
            ref={removeButton}
            aria-label={`Remove ${props.person.name}`}
            onClick={() => setConfirming(true)}
          >
            Remove
          </button>
        </Show>
      </div>
      <Show when={removable() && confirming()}>
        <fieldset
          class="member-confirm"
          aria-label={`Remove ${props.person.name}?`}
          onKeyDown={(e) => e.key === "Escape" && !busy() && cancel()}
        >
          <p>
            Remove {props.person.name} from this room? They can only come back with a new invite.
            {props.removalRevokesInvites ? " Invite links shared so far will stop working." : ""}
          </p>
          <div class="row">
            <button
              type="button"
              class="small danger"
              disabled={busy()}
              ref={(button) => queueMicrotask(() => button.focus())}
              onClick={() => void remove()}
            >
              {busy() ? "Removing…" : `Yes, remove ${props.person.name}`}
            </button>
            <button type="button" class="small" disabled={busy()} onClick={cancel}>
              Cancel
            </button>
          </div>
        </fieldset>
      </Show>
      <ErrorText message={error()} />
    </li>
  );
}
