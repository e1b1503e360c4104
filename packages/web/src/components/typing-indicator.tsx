import { typingText } from "./attention-text";

/**
 * "Bo is typing…" under the conversation. Always rendered (empty when nobody types) so screen readers know the
 * live region before it first speaks; polite, so it never interrupts.
 */
export function TypingIndicator(props: { names: readonly string[] }) {
  return (
    <p class="typing-indicator hint" aria-live="polite" data-testid="typing">
      {typingText(props.names)}
    </p>
  );
}
