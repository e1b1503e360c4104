import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { limits, type SendResult } from "../network";
import {
  insertMention,
  type Mentionable,
  type MentionQuery,
  mentionedUserIds,
  mentionQueryAt,
  suggestMembers,
} from "../room/mentions";
import { describeRefusal } from "./problem-text";

const LISTBOX_ID = "mention-suggestions";
const optionId = (index: number) => `mention-suggestion-${index}`;

/**
 * Writes a message: Enter sends, Shift+Enter starts a new line. Works offline too (the message waits).
 * Typing `@` offers the room's members (a listbox: arrow keys move, Enter or Tab picks, Escape closes); a pick
 * inserts `@Name` and the message carries that person's userId in `mentions`. While there is text, the room is
 * told (now and then) that we are typing.
 */
export function MessageComposer(props: {
  people: readonly Mentionable[];
  me: string;
  onSend: (text: string, mentions: string[]) => SendResult;
  onTyping: () => void;
}) {
  let textarea!: HTMLTextAreaElement;
  let listbox: HTMLDivElement | undefined;
  const [text, setText] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [mention, setMention] = createSignal<MentionQuery | null>(null);
  /** The suggestion the arrow keys are on, by userId (null: the first), so it stays on that person as people join. */
  const [activeId, setActiveId] = createSignal<string | null>(null);
  /** Where the `@` starts that Escape closed the list for: it stays closed until another `@`. */
  const [dismissedAt, setDismissedAt] = createSignal<number | null>(null);
  /** Everyone picked since the last send; only those whose `@Name` is still in the text are mentioned. */
  let picked: Mentionable[] = [];

  const suggestions = createMemo(() => {
    const current = mention();
    if (!current || current.start === dismissedAt()) return [];
    return suggestMembers({ people: props.people, query: current.query, me: props.me });
  });
  const open = () => suggestions().length > 0;
  /** The active option's place in the list: the person the arrow keys were left on, else the first. */
  const active = createMemo(() => {
    const index = suggestions().findIndex((p) => p.userId === activeId());
    return index === -1 ? 0 : index;
  });

  /** Reads the `@` being typed at the caret (none when text is selected). */
  const follow = () => {
    const caret = textarea.selectionStart;
    const next = textarea.selectionEnd === caret ? mentionQueryAt(textarea.value, caret) : null;
    const current = mention();
    if (next?.start !== current?.start || next?.query !== current?.query) setActiveId(null);
    if (next?.start !== dismissedAt()) setDismissedAt(null);
    setMention(next);
  };

  const pick = (person: Mentionable | undefined) => {
    const current = mention();
    if (!person || !current) return;
    const next = insertMention({
      text: textarea.value,
      caret: textarea.selectionStart,
      mention: current,
      name: person.name,
    });
    textarea.value = next.text;
    setText(next.text);
    textarea.setSelectionRange(next.caret, next.caret);
    // As named now: the person's entry follows a later rename, but the text keeps the name that was inserted.
    picked.push({ userId: person.userId, name: person.name });
    setMention(null);
    textarea.focus();
  };

  const send = () => {
    const result = props.onSend(text(), mentionedUserIds(text(), picked));
    if (!result.ok) return setError(describeRefusal(result.refusal));
    setText("");
    setError(null);
    setMention(null);
    picked = [];
  };

  createEffect(
    on(active, (index) =>
      listbox?.querySelector(`#${optionId(index)}`)?.scrollIntoView({ block: "nearest" }),
    ),
  );

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.isComposing) return;
    if (open()) {
      const count = suggestions().length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        const index = (active() + (e.key === "ArrowDown" ? 1 : count - 1)) % count;
        setActiveId(suggestions()[index]?.userId ?? null);
        return;
      }
      if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey) {
        e.preventDefault();
        pick(suggestions()[active()]);
        return;
      }
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        setDismissedAt(mention()?.start ?? null);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      send();
    }
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
      <Show when={open()}>
        <div
          class="mention-suggestions"
          role="listbox"
          id={LISTBOX_ID}
          aria-label="People to mention"
          ref={listbox}
        >
          <For each={suggestions()}>
            {(person, index) => (
              // The combobox pattern: focus stays in the textarea, which moves the active option with the
              // arrow keys (aria-activedescendant) and picks it with Enter or Tab; options are focusable only
              // from script (-1). A pointer picks on press, before the textarea could lose focus and caret.
              <div
                id={optionId(index())}
                role="option"
                tabIndex={-1}
                class="mention-suggestion"
                aria-selected={index() === active() ? "true" : "false"}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(person);
                }}
              >
                <span class="avatar" aria-hidden="true">
                  {person.name.slice(0, 1).toUpperCase()}
                </span>
                {person.name}
              </div>
            )}
          </For>
        </div>
      </Show>
      <label for="composer-text" class="visually-hidden">
        Message
      </label>
      <textarea
        ref={textarea}
        id="composer-text"
        rows={1}
        placeholder="Write a message…"
        maxLength={limits.messageText}
        value={text()}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setError(null);
          follow();
          if (e.currentTarget.value.trim()) props.onTyping();
        }}
        onClick={follow}
        onKeyUp={(e) => ["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key) && follow()}
        onBlur={() => setMention(null)}
        onKeyDown={onKeyDown}
        aria-autocomplete="list"
        aria-controls={open() ? LISTBOX_ID : undefined}
        aria-activedescendant={open() ? optionId(active()) : undefined}
        aria-describedby="composer-help"
        aria-invalid={error() ? "true" : undefined}
      />
      <button type="submit" class="primary" disabled={text().trim().length === 0}>
        Send
      </button>
      <p id="composer-help" class="composer-help hint">
        <Show
          when={error()}
          fallback={
            open()
              ? "Up and down to choose, Enter or Tab to mention, Escape to close"
              : remaining() < 200
                ? `${remaining()} characters left`
                : "Enter to send, Shift+Enter for a new line, @ to mention"
          }
        >
          <span class="error-text" role="alert">
            {error()}
          </span>
        </Show>
      </p>
      <p class="visually-hidden" aria-live="polite">
        {open()
          ? `${suggestions().length} ${suggestions().length === 1 ? "person" : "people"} to mention`
          : ""}
      </p>
    </form>
  );
}
