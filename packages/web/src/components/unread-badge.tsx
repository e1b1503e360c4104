import { Show } from "solid-js";
import { badgeCount, unreadText } from "./attention-text";

/**
 * A room's unread count and, if any, how many of those mention me: two small badges for the eye, one phrase
 * ("3 unread, 1 mention") for screen readers. Nothing when all is read.
 */
export function UnreadBadge(props: { unread: number; mentions: number }) {
  const unread = () => props.unread ?? 0;
  const mentions = () => props.mentions ?? 0;
  return (
    <Show when={unread() > 0 || mentions() > 0}>
      <span class="unread-badges" data-testid="unread">
        <Show when={mentions() > 0}>
          <span class="badge" data-tone="mention" aria-hidden="true">
            @{badgeCount(mentions())}
          </span>
        </Show>
        <Show when={unread() > 0}>
          <span class="badge" data-tone="unread" aria-hidden="true">
            {badgeCount(unread())}
          </span>
        </Show>
        <span class="visually-hidden">{unreadText({ unread: unread(), mentions: mentions() })}</span>
      </span>
    </Show>
  );
}
