import { createEffect, createMemo, For, Match, on, onCleanup, onMount, Show, Switch } from "solid-js";
import type { Message, OlderHistory, PendingMessage } from "../network";
import { seenByText } from "./attention-text";
import { MessageBody } from "./message-body";
import { type MessageActions, MessageItem } from "./message-item";
import { describeProblem } from "./problem-text";

const NEAR_BOTTOM_PX = 80;
/** Space kept above the "New messages" divider when the room opens scrolled to it. */
const DIVIDER_MARGIN_PX = 12;

/**
 * The conversation: confirmed messages, then our own pending ones. Sticks to the bottom while you are there,
 * keeps your place when older history is loaded above, and loads older history when scrolled to the top.
 * Opens at the "New messages" divider when what is new does not fit on screen, marks messages that mention
 * you, shows "Seen by" under the newest, and reports the newest message as seen once it is on screen.
 */
export function MessageList(props: {
  messages: readonly Message[];
  pending: readonly PendingMessage[];
  older: OlderHistory;
  synced: boolean;
  /** The signed-in userId: messages whose `authorId` matches are ours (names are not unique). */
  me: string;
  /** The reader owns the room: they may delete anyone's message. */
  owner: boolean;
  actions: MessageActions;
  /** The "New messages" divider goes before the first message after this seq (null: no divider). */
  unreadAfter: number | null;
  /** Who else has read up to the newest message. */
  seenBy: readonly string[];
  /** A member's current name, for highlighting `@Name` in text. */
  nameOf: (userId: string) => string | undefined;
  /** The newest message (this seq) has been on screen while the page was visible. */
  onSeen: (seq: number) => void;
  onLoadOlder: () => void;
  onRetry: (clientMessageId: string) => void;
  onDiscard: (clientMessageId: string) => void;
}) {
  let scroller!: HTMLDivElement;
  let stickToBottom = true;
  let placedAtOpen = false;
  let restore: { height: number; top: number } | null = null;

  const firstUnreadSeq = createMemo(() => {
    const after = props.unreadAfter;
    return after === null ? null : (props.messages.find((m) => m.seq > after)?.seq ?? null);
  });
  // Rows are kept per messageId, so an edit or a reaction updates its row in place (the focus stays put)
  // instead of replacing it.
  const messageIds = createMemo(() => props.messages.map((m) => m.messageId));
  const byId = createMemo(() => new Map(props.messages.map((m) => [m.messageId, m])));
  const namesOf = (userIds: readonly string[] | undefined) =>
    (userIds ?? []).map((userId) => props.nameOf(userId)).filter((name): name is string => Boolean(name));

  const loadOlder = () => {
    if (props.older.cursor === null || props.older.loading) return;
    restore = { height: scroller.scrollHeight, top: scroller.scrollTop };
    props.onLoadOlder();
  };

  const nearBottom = () =>
    scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM_PX;
  const onScroll = () => {
    stickToBottom = nearBottom();
    if (scroller.scrollTop < 24 && props.synced) loadOlder();
  };

  /** On opening with unread messages that don't all fit, start at the divider rather than at the bottom. */
  const placeAtDivider = (): boolean => {
    const divider = scroller.querySelector<HTMLElement>("[data-testid=new-messages]");
    if (!divider) return false;
    const offset =
      divider.getBoundingClientRect().top - scroller.getBoundingClientRect().top - DIVIDER_MARGIN_PX;
    if (offset + scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight) return false;
    scroller.scrollTop += offset;
    stickToBottom = nearBottom();
    return true;
  };

  createEffect(
    on(
      () => [props.messages, props.pending.length] as const,
      ([messages], previous) => {
        // By messageId: an edit or a reaction replaces a message's object but prepends nothing.
        const prependedOlder =
          previous &&
          messages[0]?.messageId !== previous[0][0]?.messageId &&
          messages.at(-1)?.messageId === previous[0].at(-1)?.messageId;
        if (!placedAtOpen && props.synced && messages.length > 0) {
          placedAtOpen = true;
          if (placeAtDivider()) return;
        }
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

  // "Seen" = the newest message is (at least partly) inside the scroll area while the page is visible; a
  // hidden panel (phone tabs) or a background tab does not count.
  let newestInView = false;
  let observed: Element | null = null;
  const reportSeen = () => {
    const newest = props.messages.at(-1);
    if (newest && newestInView && document.visibilityState === "visible") props.onSeen(newest.seq);
  };
  onMount(() => {
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) if (entry.target === observed) newestInView = entry.isIntersecting;
        reportSeen();
      },
      { root: scroller },
    );
    createEffect(
      on(
        () => props.messages.at(-1)?.seq,
        (seq) => {
          const element = seq === undefined ? null : scroller.querySelector(`li[data-seq="${seq}"]`);
          if (element === observed) return reportSeen();
          if (observed) observer.unobserve(observed);
          observed = element;
          newestInView = false;
          if (element) observer.observe(element);
        },
      ),
    );
    document.addEventListener("visibilitychange", reportSeen);
    onCleanup(() => {
      observer.disconnect();
      document.removeEventListener("visibilitychange", reportSeen);
    });
  });

  return (
    <div
      class="messages"
      ref={scroller}
      onScroll={onScroll}
      role="log"
      aria-label="Messages"
      data-testid="messages"
    >
      <div class="history-edge">
        <Switch>
          <Match when={props.older.error}>
            <p class="error-text">{props.older.error && describeProblem(props.older.error)}</p>
            <button type="button" onClick={loadOlder}>
              Try again
            </button>
          </Match>
          <Match when={props.older.cursor !== null}>
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
        <For each={messageIds()}>
          {(messageId) => {
            const message = createMemo<Message>(
              (previous) => byId().get(messageId) ?? previous,
              byId().get(messageId) as Message,
            );
            const mine = () => message().authorId === props.me;
            const mentionsMe = () => !mine() && (message().mentions ?? []).includes(props.me);
            return (
              <>
                <Show when={message().seq === firstUnreadSeq()}>
                  <li class="new-messages-divider" data-testid="new-messages">
                    <span>New messages</span>
                  </li>
                </Show>
                <li
                  class="message"
                  classList={{
                    mine: mine(),
                    "mentions-me": mentionsMe(),
                    deleted: Boolean(message().deletedAt),
                  }}
                  data-message-id={messageId}
                  data-seq={message().seq}
                >
                  <MessageItem
                    message={message()}
                    mine={mine()}
                    canDelete={mine() || props.owner}
                    mentionNames={namesOf(message().mentions)}
                    mentionsMe={mentionsMe()}
                    actions={props.actions}
                  />
                </li>
              </>
            );
          }}
        </For>
        <Show when={props.seenBy.length > 0}>
          <li class="seen-by hint" data-testid="seen-by">
            {seenByText(props.seenBy)}
          </li>
        </Show>
        <For each={props.pending}>
          {(pending) => (
            <li
              class="message mine pending"
              data-state={pending.state}
              data-client-message-id={pending.clientMessageId}
            >
              <MessageBody
                author={pending.author}
                sentAt={pending.createdAt}
                text={pending.text}
                mine
                mentionNames={namesOf(pending.mentions)}
              />
              <p class="message-status">
                <Switch>
                  <Match when={pending.state === "sending"}>Sending…</Match>
                  <Match when={pending.state === "queued"}>Waiting for connection…</Match>
                  <Match when={pending.state === "failed"}>
                    <span class="error-text">Not sent.</span>{" "}
                    <button
                      type="button"
                      class="link-button"
                      onClick={() => props.onRetry(pending.clientMessageId)}
                    >
                      Retry
                    </button>{" "}
                    <button
                      type="button"
                      class="link-button"
                      onClick={() => props.onDiscard(pending.clientMessageId)}
                    >
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
