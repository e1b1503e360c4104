import { createMemo, createSignal, For, Show } from "solid-js";
import type { Reaction } from "../network";

/** The reactions offered in the picker, with the names screen readers say for them. */
export const pickerEmojis = [
  { emoji: "👍", name: "thumbs up" },
  { emoji: "❤️", name: "heart" },
  { emoji: "😂", name: "laughing" },
  { emoji: "🎉", name: "party" },
  { emoji: "😮", name: "surprised" },
] as const;

const nameOf = (emoji: string) => pickerEmojis.find((e) => e.emoji === emoji)?.name ?? emoji;
const countText = (count: number) => `${count} ${count === 1 ? "reaction" : "reactions"}`;

/**
 * A message's reactions as chips with their counts (pressed: mine is among them; pressing toggles mine), and
 * "Add reaction", which opens a few common emojis to pick from (Escape closes it).
 */
export function MessageReactions(props: {
  messageId: string;
  reactions: readonly Reaction[];
  onReact: (emoji: string, on: boolean) => void;
}) {
  const [picking, setPicking] = createSignal(false);
  let toggle: HTMLButtonElement | undefined;
  const pickerId = () => `reactions-${props.messageId}`;
  const isMine = (emoji: string) => props.reactions.some((r) => r.emoji === emoji && r.mine);
  // Chips are kept per emoji, not per object: every `reactions` frame brings new objects, and a chip replaced
  // under the reader's keyboard would drop the focus.
  const shown = createMemo(() => props.reactions.filter((r) => r.count > 0).map((r) => r.emoji), [], {
    equals: (a, b) => a.length === b.length && a.every((emoji, i) => emoji === b[i]),
  });
  const countOf = (emoji: string) => props.reactions.find((r) => r.emoji === emoji)?.count ?? 0;
  const close = () => {
    setPicking(false);
    queueMicrotask(() => toggle?.focus());
  };
  const pick = (emoji: string) => {
    props.onReact(emoji, !isMine(emoji));
    close();
  };
  return (
    <div class="reactions">
      <For each={shown()}>
        {(emoji) => (
          <button
            type="button"
            class="reaction-chip"
            data-emoji={emoji}
            aria-pressed={isMine(emoji) ? "true" : "false"}
            aria-label={`${nameOf(emoji)}: ${countText(countOf(emoji))}`}
            title={isMine(emoji) ? "Take back your reaction" : "React with this too"}
            onClick={() => props.onReact(emoji, !isMine(emoji))}
          >
            <span aria-hidden="true">{emoji}</span>
            <span class="reaction-count">{countOf(emoji)}</span>
          </button>
        )}
      </For>
      <button
        type="button"
        class="reaction-add"
        ref={toggle}
        aria-label="Add reaction"
        aria-expanded={picking() ? "true" : "false"}
        aria-controls={picking() ? pickerId() : undefined}
        onClick={() => (picking() ? close() : setPicking(true))}
      >
        <span aria-hidden="true">☺+</span>
      </button>
      <Show when={picking()}>
        <fieldset
          id={pickerId()}
          class="reaction-picker"
          aria-label="Pick a reaction"
          onKeyDown={(e) => {
            if (e.key !== "Escape") return;
            e.preventDefault();
            close();
          }}
        >
          <For each={pickerEmojis}>
            {({ emoji, name }, index) => (
              <button
                type="button"
                class="reaction-option"
                data-emoji={emoji}
                aria-label={isMine(emoji) ? `${name} (take back)` : name}
                ref={(b) => index() === 0 && queueMicrotask(() => b.focus())}
                onClick={() => pick(emoji)}
              >
                {emoji}
              </button>
            )}
          </For>
        </fieldset>
      </Show>
    </div>
  );
}
