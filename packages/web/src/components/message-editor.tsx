import { createSignal } from "solid-js";
import { limits, type SendResult } from "../network";
import { ErrorText } from "./error-text";
import { describeRefusal } from "./problem-text";

/**
 * Edits a sent message in place: the text is there to change, Enter saves (Shift+Enter starts a new line),
 * Escape cancels. A refusal (empty, too long, offline) keeps the editor open with the reason.
 */
export function MessageEditor(props: {
  messageId: string;
  text: string;
  onSave: (text: string) => SendResult;
  onClose: () => void;
}) {
  const [draft, setDraft] = createSignal(props.text);
  const [error, setError] = createSignal<string | null>(null);
  const fieldId = () => `edit-${props.messageId}`;
  const save = () => {
    const result = props.onSave(draft());
    if (!result.ok) return setError(describeRefusal(result.refusal));
    props.onClose();
  };
  return (
    <form
      class="message-editor"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <label for={fieldId()} class="visually-hidden">
        Edit message
      </label>
      <textarea
        id={fieldId()}
        rows={2}
        maxLength={limits.messageText}
        value={draft()}
        aria-describedby={`${fieldId()}-help`}
        aria-invalid={error() ? "true" : undefined}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.isComposing) return;
          if (e.key === "Escape") {
            e.preventDefault();
            props.onClose();
          } else if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            save();
          }
        }}
        ref={(field) =>
          queueMicrotask(() => {
            field.focus();
            field.setSelectionRange(field.value.length, field.value.length);
          })
        }
      />
      <div class="row message-editor-actions">
        <button type="submit" class="small primary">
          Save
        </button>
        <button type="button" class="small" onClick={() => props.onClose()}>
          Cancel
        </button>
        <span id={`${fieldId()}-help`} class="hint">
          Enter to save, Escape to cancel
        </span>
      </div>
      <ErrorText message={error()} />
    </form>
  );
}
