import { createSignal, Show } from "solid-js";
import type { Message, SendResult } from "../network";
import { ErrorText } from "./error-text";
import { MessageBody } from "./message-body";
import { MessageEditor } from "./message-editor";
import { MessageReactions } from "./message-reactions";
import { describeRefusal } from "./problem-text";

/** What a person can do to a sent message; each answers at once whether it was sent. */
export interface MessageActions {
  edit: (message: Message, text: string) => SendResult;
  remove: (message: Message) => SendResult;
  react: (message: Message, emoji: string, on: boolean) => SendResult;
}

/**
 * One confirmed message: its body, its reactions, and what the reader may do to it: react (everyone), edit
 * (its author, in place), delete (its author or the room's owner, after a confirmation in place). A deleted
 * message is a tombstone with none of these. What the server refuses shows as a room notice.
 */
export function MessageItem(props: {
  message: Message;
  /** The reader wrote it. */
  mine: boolean;
  /** The reader may delete it (theirs, or they own the room). */
  canDelete: boolean;
  mentionNames: readonly string[];
  mentionsMe: boolean;
  actions: MessageActions;
}) {
  const [editing, setEditing] = createSignal(false);
  const [confirming, setConfirming] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let item!: HTMLDivElement;
  let editButton: HTMLButtonElement | undefined;
  let deleteButton: HTMLButtonElement | undefined;
  const deleted = () => Boolean(props.message.deletedAt);
  const report = (result: SendResult) => {
    setError(result.ok ? null : describeRefusal(result.refusal));
    return result.ok;
  };
  const stopEditing = () => {
    setEditing(false);
    queueMicrotask(() => editButton?.focus());
  };
  const cancelDelete = () => {
    setConfirming(false);
    queueMicrotask(() => deleteButton?.focus());
  };
  const remove = () => {
    if (!report(props.actions.remove(props.message))) return;
    setConfirming(false);
    // The controls go with the message: the focus stays on it.
    queueMicrotask(() => item.focus());
  };

  return (
    <div class="message-item" tabIndex={-1} ref={item}>
      <Show
        when={editing() && !deleted()}
        fallback={
          <MessageBody
            author={props.message.author}
            sentAt={props.message.sentAt}
            text={props.message.text}
            mine={props.mine}
            mentionNames={props.mentionNames}
            mentionsMe={props.mentionsMe}
            editedAt={props.message.editedAt}
            deleted={deleted()}
          />
        }
      >
        <MessageEditor
          messageId={props.message.messageId}
          text={props.message.text}
          onSave={(text) => props.actions.edit(props.message, text)}
          onClose={stopEditing}
        />
      </Show>
      <Show when={!deleted()}>
        <div class="message-footer">
          <MessageReactions
            messageId={props.message.messageId}
            reactions={props.message.reactions ?? []}
            onReact={(emoji, on) => report(props.actions.react(props.message, emoji, on))}
          />
          <Show when={!editing() && !confirming()}>
            <div class="message-actions">
              <Show when={props.mine}>
                <button
                  type="button"
                  class="link-button"
                  ref={editButton}
                  onClick={() => {
                    setError(null);
                    setEditing(true);
                  }}
                >
                  Edit
                </button>
              </Show>
              <Show when={props.canDelete}>
                <button
                  type="button"
                  class="link-button danger"
                  ref={deleteButton}
                  onClick={() => {
                    setError(null);
                    setConfirming(true);
                  }}
                >
                  Delete
                </button>
              </Show>
            </div>
          </Show>
        </div>
        <Show when={confirming()}>
          <fieldset
            class="member-confirm message-confirm"
            aria-label="Delete this message?"
            onKeyDown={(e) => e.key === "Escape" && cancelDelete()}
          >
            <p>Delete this message for everyone? This can't be undone.</p>
            <div class="row">
              <button
                type="button"
                class="small danger"
                ref={(b) => queueMicrotask(() => b.focus())}
                onClick={remove}
              >
                Yes, delete
              </button>
              <button type="button" class="small" onClick={cancelDelete}>
                Cancel
              </button>
            </div>
          </fieldset>
        </Show>
      </Show>
      <ErrorText message={error()} />
    </div>
  );
}
