import { Index, Show } from "solid-js";
import { formatMessageTime } from "../format-time";
import { mentionSegments } from "../room/mentions";
import { mentionsYouText } from "./attention-text";

function MessageText(props: { text: string; mentionNames: readonly string[] }) {
  // Text nodes only: whatever people type is shown as text, never parsed as HTML; @Names are only wrapped.
  return (
    <p class="message-text">
      <Index each={mentionSegments(props.text, props.mentionNames)}>
        {/* Inside JSX, so an edit that changes a segment in place updates it. */}
        {(segment) => (
          <>{segment().mention ? <span class="mention">{segment().text}</span> : segment().text}</>
        )}
      </Index>
    </p>
  );
}

/**
 * A message's author, time and text; "edited" once its author changed it, and only "Message deleted" (no text)
 * once it was deleted.
 */
export function MessageBody(props: {
  author: string;
  sentAt: string;
  text: string;
  mine: boolean;
  mentionNames: readonly string[];
  mentionsMe?: boolean;
  editedAt?: string | undefined;
  deleted?: boolean;
}) {
  return (
    <>
      <header class="message-meta">
        <strong class="message-author">{props.mine ? `${props.author} (you)` : props.author}</strong>
        <time datetime={props.sentAt}>{formatMessageTime(props.sentAt)}</time>
        <Show when={props.editedAt && !props.deleted}>
          <span class="message-edited" title={`Edited ${formatMessageTime(props.editedAt ?? "")}`}>
            edited
          </span>
        </Show>
        <Show when={props.mentionsMe && !props.deleted}>
          <span class="mention-flag">
            <span aria-hidden="true">@</span>
            <span class="visually-hidden">{mentionsYouText}</span>
          </span>
        </Show>
      </header>
      <Show when={!props.deleted} fallback={<p class="message-tombstone">Message deleted</p>}>
        <MessageText text={props.text} mentionNames={props.mentionNames} />
      </Show>
    </>
  );
}
