import { createSignal, Show } from "solid-js";
import { limits, type SendResult } from "../network";
import { describeRefusal } from "./problem-text";

/** Writes a message: Enter sends, Shift+Enter starts a new line. Works offline too (the message waits). */
export function MessageComposer(props: { onSend: (text: string) => SendResult }) {
  const [text, setText] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const send = () => {
    const result = props.onSend(text());
    if (!result.ok) return setError(describeRefusal(result.refusal));
    setText("");
    setError(null);
  };
  const remaining = () => limits.messageText - text().length;
  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label for="composer-text" class="visually-hidden">
        Message
      </label>
      <textarea
        id="composer-text"
        rows={1}
        placeholder="Write a message…"
        maxLength={limits.messageText}
        value={text()}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
        aria-describedby="composer-help"
        aria-invalid={error() ? "true" : undefined}
      />
      <button type="submit" class="primary" disabled={text().trim().length === 0}>
        Send
      </button>
      <p id="composer-help" class="composer-help hint">
        <Show when={error()} fallback={remaining() < 200 ? `${remaining()} characters left` : "Enter to send, Shift+Enter for a new line"}>
          <span class="error-text" role="alert">
            {error()}
          </span>
        </Show>
      </p>
    </form>
  );
}
