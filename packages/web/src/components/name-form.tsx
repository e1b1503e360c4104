import { createSignal, Show } from "solid-js";
import { limits } from "../network";
import { normaliseDisplayName } from "../session/stored-session";
import { ErrorText } from "./error-text";
import { describeFailure } from "./problem-text";

/**
 * Asks for the display name everyone in a room sees next to your messages. `onSave` talks to the server
 * (a new guest session, or a rename); what it throws is shown here in words.
 */
export function NameForm(props: {
  initial?: string;
  submitLabel: string;
  help?: string;
  onSave: (name: string) => Promise<void>;
  onCancel?: () => void;
}) {
  const [value, setValue] = createSignal(props.initial ?? "");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy()) return;
    const { name, length } = normaliseDisplayName(value());
    if (!name) return setError("Please enter a name.");
    if (length > limits.displayName)
      return setError(`Names can be at most ${limits.displayName} characters.`);
    setBusy(true);
    setError(null);
    try {
      await props.onSave(name);
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card stack" onSubmit={submit} aria-describedby="name-help" aria-busy={busy()}>
      <label for="display-name">Your display name</label>
      <input
        id="display-name"
        name="display-name"
        autocomplete="nickname"
        // Code points are what count; a UTF-16 limit of twice that still lets 40 emoji through.
        maxLength={limits.displayName * 2}
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
        {props.help ?? "Shown next to your messages. Names don't have to be unique."}
      </p>
      <ErrorText message={error()} id="name-error" />
      <div class="row">
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? "Saving…" : props.submitLabel}
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
