import { createSignal, For } from "solid-js";
import { createRoom, limits, type Room, type Visibility } from "../network";
import { ErrorText } from "./error-text";
import { describeFailure } from "./problem-text";

const choices: { value: Visibility; label: string; hint: string }[] = [
  { value: "public", label: "Public", hint: "Listed under Public rooms; anyone signed in can join." },
  { value: "private", label: "Private", hint: "Not listed; people join with an invite link from you." },
];

/** Names and creates a new room (public or private), then hands it to `onCreated`. */
export function CreateRoomForm(props: { onCreated: (room: Room) => void }) {
  const [name, setName] = createSignal("");
  const [visibility, setVisibility] = createSignal<Visibility>("public");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const trimmed = name().trim();
    if (!trimmed) return setError("Give the room a name.");
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await createRoom({ name: trimmed, visibility: visibility() }));
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card stack" onSubmit={submit}>
      <label for="room-name">New room</label>
      <input
        id="room-name"
        placeholder="e.g. Weekend trip"
        maxLength={limits.roomName}
        value={name()}
        onInput={(e) => {
          setName(e.currentTarget.value);
          setError(null);
        }}
      />
      <fieldset class="choices">
        <legend>Who can join</legend>
        <For each={choices}>
          {(choice) => (
            <div class="choice">
              <input
                type="radio"
                id={`visibility-${choice.value}`}
                name="visibility"
                value={choice.value}
                checked={visibility() === choice.value}
                onChange={() => setVisibility(choice.value)}
                aria-describedby={`visibility-${choice.value}-hint`}
              />
              <label for={`visibility-${choice.value}`}>{choice.label}</label>
              <span id={`visibility-${choice.value}-hint`} class="hint">
                {choice.hint}
              </span>
            </div>
          )}
        </For>
      </fieldset>
      <div class="row">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? "Creating…" : "Create room"}
        </button>
      </div>
      <ErrorText message={error()} />
    </form>
  );
}
