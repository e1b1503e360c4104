import { createEffect, For, Match, on, Show, Switch } from "solid-js";
import { formatMessageTime } from "../format-time";
import type { Message, OlderHistory, PendingMessage } from "../network";
import { describeProblem } from "./problem-text";

const NEAR_BOTTOM_PX = 80;

function MessageBody(props: { author: string; sentAt: string; text: string; mine: boolean }) {
  return (
    <>
      <header class="message-meta">
        <strong class="message-author">{props.mine ? `${props.author} (you)` : props.author}</strong>
        <time datetime={props.sentAt}>{formatMessageTime(props.sentAt)}</time>
      </header>
      {/* Text nodes only: whatever people type is shown as text, never parsed as HTML. */}
      <p class="message-text">{props.text}</p>
    </>
  );
}

/**
 * The conversation: confirmed messages, then our own pending ones. Sticks to the bottom while you are there,
 * keeps your place when older history is loaded above, and loads older history when scrolled to the top.
 */
export function MessageList(props: {
  messages: readonly Message[];
  pending: readonly PendingMessage[];
  older: OlderHistory;
  synced: boolean;
  /** The signed-in userId: messages whose `authorId` matches are ours (names are not unique). */
  me: string;
  onLoadOlder: () => void;
  onRetry: (clientMessageId: string) => void;
  onDiscard: (clientMessageId: string) => void;
}) {
  let scroller!: HTMLDivElement;
  let stickToBottom = true;
  let restore: { height: number; top: number } | null = null;

  const loadOlder = () => {
    if (!props.older.cursor || props.older.loading) return;
    restore = { height: scroller.scrollHeight, top: scroller.scrollTop };
    props.onLoadOlder();
  };

  const onScroll = () => {
    stickToBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
    if (scroller.scrollTop < 24 && props.synced) loadOlder();
  };

  createEffect(
    on(
      () => [props.messages, props.pending.length] as const,
      ([messages], previous) => {
        const prependedOlder = previous && messages[0] !== previous[0][0] && messages.at(-1) === previous[0].at(-1);
        if (restore && prependedOlder) {
          scroller.scrollTop = restore.top + (scroller.scrollHeight - restore.height);
          restore = null;
        } else if (stickToBottom || (previous && props.pending.length > previous[1])) {
          scroller.scrollTop = scroller.scrollHeight;
          stickToBottom = true;
        }
      },
    ),
  );

  return (
    <div class="messages" ref={scroller} onScroll={onScroll} role="log" aria-label="Messages" tabIndex={0} data-testid="messages">
      <div class="history-edge">
        <Switch>
          <Match when={props.older.error}>
            <p class="error-text">{props.older.error && describeProblem(props.older.error)}</p>
            <button type="button" onClick={loadOlder}>
              Try again
            </button>
          </Match>
          <Match when={props.older.cursor}>
            <button type="button" onClick={loadOlder} disabled={props.older.loading}>
              {props.older.loading ? "Loading…" : "Load older messages"}
            </button>
          </Match>
          <Match when={props.synced && props.messages.length > 0}>
            <p class="hint">This is the start of the room.</p>
          </Match>
        </Switch>
      </div>
      <Show when={props.synced && props.messages.length === 0 && props.pending.length === 0}>
        <p class="empty">No messages yet. Say hello!</p>
      </Show>
      <ol class="message-items">
        <For each={props.messages}>
          {(message) => (
            <li class="message" classList={{ mine: message.authorId === props.me }} data-message-id={message.messageId}>
              <MessageBody author={message.author} sentAt={message.sentAt} text={message.text} mine={message.authorId === props.me} />
            </li>
          )}
        </For>
        <For each={props.pending}>
          {(pending) => (
            <li class="message mine pending" data-state={pending.state} data-client-message-id={pending.clientMessageId}>
              <MessageBody author={pending.author} sentAt={pending.createdAt} text={pending.text} mine />
              <p class="message-status">
                <Switch>
                  <Match when={pending.state === "sending"}>Sending…</Match>
                  <Match when={pending.state === "queued"}>Waiting for connection…</Match>
                  <Match when={pending.state === "failed"}>
                    <span class="error-text">Not sent.</span>{" "}
                    <button type="button" class="link-button" onClick={() => props.onRetry(pending.clientMessageId)}>
                      Retry
                    </button>{" "}
                    <button type="button" class="link-button" onClick={() => props.onDiscard(pending.clientMessageId)}>
                      Discard
                    </button>
                  </Match>
                </Switch>
              </p>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}
