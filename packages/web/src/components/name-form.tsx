import { createSignal, Show } from "solid-js";
import { limits } from "../network";
import { ErrorText } from "./error-text";

/** Asks for the display name everyone in a room sees next to your messages. */
export function NameForm(props: { initial?: string; submitLabel: string; onSave: (name: string) => void; onCancel?: () => void }) {
  const [value, setValue] = createSignal(props.initial ?? "");
  const [error, setError] = createSignal<string | null>(null);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const name = value().trim();
    if (!name) return setError("Please enter a name.");
    if (name.length > limits.displayName) return setError(`Names can be at most ${limits.displayName} characters.`);
    props.onSave(name);
  };
  return (
    <form class="card stack" onSubmit={submit} aria-describedby="name-help">
      <label for="display-name">Your display name</label>
      <input
        id="display-name"
        name="display-name"
        autocomplete="nickname"
        maxLength={limits.displayName}
        value={value()}
        onInput={(e) => {
          setValue(e.currentTarget.value);
          setError(null);
        }}
        aria-invalid={error() ? "true" : undefined}
        aria-errormessage={error() ? "name-error" : undefined}
        autofocus
        required
      />
      <p id="name-help" class="hint">
        Shown next to your messages. Stored only in this browser.
      </p>
      <ErrorText message={error()} id="name-error" />
      <div class="row">
        <button type="submit" class="primary">
          {props.submitLabel}
        </button>
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>
            Cancel
          </button>
        </Show>
      </div>
    </form>
  );
}
