import { createEffect, createMemo, createSignal, Match, onCleanup, onMount, Show, Switch } from "solid-js";
import { connectedText } from "../components/attention-text";
import { Badge } from "../components/badge";
import { ConnectionBadge } from "../components/connection-badge";
import { CopyLinkButton } from "../components/copy-link-button";
import { ErrorText } from "../components/error-text";
import { InviteControls } from "../components/invite-controls";
import { MemberList } from "../components/member-list";
import { MessageComposer } from "../components/message-composer";
import type { MessageActions } from "../components/message-item";
import { MessageList } from "../components/message-list";
import { NoticeList } from "../components/notice-list";
import { describeEnd, describeFailure, describeProblem } from "../components/problem-text";
import type { TodoActions } from "../components/todo-item";
import { TodoList } from "../components/todo-list";
import { TypingIndicator } from "../components/typing-indicator";
import { ApiError, getRoom, leaveRoom, type Role, type RoomWithTodos, type Todo } from "../network";
import { RoomProvider, useRoom } from "../room/room-context";
import { navigate, roomsHref } from "../router";
import { useUser } from "../session/session-context";

type Panel = "chat" | "todos" | "people";

/** Unknown rooms and private rooms one is not in look the same: a private room's existence is not revealed. */
function RoomNotFound() {
  onMount(() => (document.title = "Room not found · Rooms"));
  return (
    <main class="page narrow">
      <h1>Room not found</h1>
      <p>This room doesn't exist, or you don't have access to it. The link may be mistyped or incomplete.</p>
      <p>
        <a href={roomsHref}>See all rooms</a>
      </p>
    </main>
  );
}

function RemovedFromRoom(props: { roomName: string | undefined }) {
  let heading!: HTMLHeadingElement;
  onMount(() => heading.focus());
  return (
    <main class="page narrow" data-testid="removed">
      <h1 tabIndex={-1} ref={heading}>
        You were removed from this room
      </h1>
      <p>
        {props.roomName ? `The owner of “${props.roomName}” removed you.` : "The room's owner removed you."}{" "}
        You can only come back with a new invite from them.
      </p>
      <p>
        <a href={roomsHref}>See your rooms</a>
      </p>
    </main>
  );
}

/** "Leave room", with a confirmation in place: a private room needs a new invite to come back. */
function LeaveRoom(props: { private: boolean; onLeave: () => Promise<void> }) {
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let leaveButton: HTMLButtonElement | undefined;
  const cancel = () => {
    setConfirming(false);
    queueMicrotask(() => leaveButton?.focus());
  };
  const leave = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onLeave();
    } catch (failure) {
      setError(describeFailure(failure));
      setBusy(false);
    }
  };
  return (
    <div class="leave-room stack tight">
      <Show
        when={confirming()}
        fallback={
          <button type="button" class="small danger" ref={leaveButton} onClick={() => setConfirming(true)}>
            Leave room
          </button>
        }
      >
        <fieldset
          class="member-confirm"
          aria-label="Leave this room?"
          onKeyDown={(e) => e.key === "Escape" && !busy() && cancel()}
        >
          <p>
            {props.private
              ? "Leave this room? You'll need a new invite to come back."
              : "Leave this room? It will no longer be in My rooms."}
          </p>
          <div class="row">
            <button
              type="button"
              class="small danger"
              disabled={busy()}
              ref={(b) => queueMicrotask(() => b.focus())}
              onClick={() => void leave()}
            >
              {busy() ? "Leaving…" : "Yes, leave"}
            </button>
            <button type="button" class="small" disabled={busy()} onClick={cancel}>
              Cancel
            </button>
          </div>
        </fieldset>
      </Show>
      <ErrorText message={error()} />
    </div>
  );
}

function RoomScreen(props: { seed: RoomWithTodos | null }) {
  const { state, connection, members, roomId, user } = useRoom();
  const [panel, setPanel] = createSignal<Panel>("chat");
  const [leaving, setLeaving] = createSignal(false);
  const live = () => state().status === "live";
  const room = () => state().room ?? props.seed?.room ?? null;
  /** The membership list knows roles best (it follows joins); until it has me, the room's answer says. */
  const myRole = (): Role | null =>
    members.people().find((p) => p.userId === user.userId)?.role ?? props.seed?.role ?? null;
  const isOwner = () => myRole() === "owner";
  const isPrivate = () => room()?.visibility === "private";
  /** How many times this page saw the room's invite links revoked by a removal. */
  const [invitesRevoked, setInvitesRevoked] = createSignal(0);
  /** Names come from the member list (current names, one per userId), not from old frames. */
  const names = createMemo(() => new Map(members.people().map((p) => [p.userId, p.name])));
  /** Everyone else who has read the newest message (its author aside), by name. Only small rooms send reads. */
  const seenBy = createMemo(() => {
    const newest = state().messages.at(-1);
    if (!newest) return [];
    const known = names();
    return state()
      .reads.filter((r) => r.seq >= newest.seq && r.userId !== user.userId && r.userId !== newest.authorId)
      .map((r) => known.get(r.userId))
      .filter((name): name is string => Boolean(name))
      .sort((a, b) => a.localeCompare(b));
  });
  const typingNames = () => state().typing.map((t) => names().get(t.userId) ?? t.name);

  createEffect(() => props.seed && connection.seed(props.seed));
  createEffect(() => {
    const current = room();
    document.title = current ? `${current.name} · Rooms` : "Rooms";
  });
  onCleanup(() => (document.title = "Rooms"));

  const todoActions: TodoActions = {
    toggle: (todo: Todo, done: boolean) => connection.updateTodo(todo, { done }),
    rename: (todo: Todo, title: string) => connection.updateTodo(todo, { title }),
    remove: (todo: Todo) => connection.deleteTodo(todo),
    move: (todo, move) => connection.moveTodo(todo.todoId, move),
    assign: (todo, assigneeId) => connection.updateTodo(todo, { assigneeId }),
  };
  const messageActions: MessageActions = {
    edit: (message, text) => connection.editMessage(message, text),
    remove: (message) => connection.deleteMessage(message),
    react: (message, emoji, on) => connection.react(message, emoji, on),
  };
  const tab = (id: Panel, label: () => string) => (
    <button
      type="button"
      class="tab"
      aria-pressed={panel() === id}
      aria-controls={`panel-${id}`}
      onClick={() => setPanel(id)}
    >
      {label()}
    </button>
  );
  const leave = async () => {
    setLeaving(true);
    try {
      await leaveRoom({ roomId });
    } catch (failure) {
      setLeaving(false);
      throw failure;
    }
    // The server closes our sockets as we leave; stop now, before that close can start a reconnect (joining a
    // public room again would make us a member again).
    connection.stop();
    navigate(roomsHref);
  };

  return (
    <Switch>
      <Match when={state().ended === "removed" && !leaving()}>
        <RemovedFromRoom roomName={room()?.name} />
      </Match>
      <Match when={state().ended === "not_found"}>
        <RoomNotFound />
      </Match>
      <Match when={state().ended === "signed_out"}>
        <main class="page narrow">
          <h1>Your session has ended</h1>
          <p>Enter your name again to continue.</p>
        </main>
      </Match>
      <Match when={true}>
        <main class="room" data-panel={panel()}>
          <header class="room-header">
            <a href={roomsHref} class="back-link">
              <span aria-hidden="true">←</span> All rooms
            </a>
            <h1 class="room-title" data-testid="room-title">
              {room()?.name ?? "Loading room…"}
            </h1>
            <div class="room-header-actions">
              <Show when={isPrivate()}>
                <Badge tone="muted">Private</Badge>
              </Show>
              <ConnectionBadge
                status={state().status}
                waitingToRetry={state().retryAt !== null}
                onRetryNow={() => connection.reconnectNow()}
              />
              <Show when={room() && !isPrivate()}>
                <CopyLinkButton />
              </Show>
            </div>
          </header>

          <Show when={describeEnd(state().ended)} keyed>
            {(why) => (
              <div class="notice" data-tone="error" role="alert">
                <p>{why}</p>
                <button type="button" class="small" onClick={() => connection.retry()}>
                  Try again
                </button>
              </div>
            )}
          </Show>
          <NoticeList notices={state().notices} onDismiss={(id) => connection.dismissNotice(id)} />

          <nav class="tabs" aria-label="Room sections">
            {tab("chat", () => "Chat")}
            {tab("todos", () => `Todos (${state().todos.filter((t) => !t.done).length})`)}
            {tab("people", () => `People (${members.people().length})`)}
          </nav>

          <section id="panel-chat" class="panel panel-chat" aria-label="Chat">
            <MessageList
              messages={state().messages}
              pending={state().pending}
              older={state().older}
              synced={state().synced}
              me={user.userId}
              owner={isOwner()}
              actions={messageActions}
              unreadAfter={state().unreadAfter}
              seenBy={seenBy()}
              nameOf={(userId) => names().get(userId)}
              onSeen={(seq) => connection.markRead(seq)}
              onLoadOlder={() => void connection.loadOlder()}
              onRetry={(id) => connection.retryMessage(id)}
              onDiscard={(id) => connection.discardMessage(id)}
            />
            <TypingIndicator names={typingNames()} />
            <MessageComposer
              people={members.people()}
              me={user.userId}
              onSend={(text, mentions) => connection.sendMessage(text, { mentions })}
              onTyping={() => connection.typing()}
            />
          </section>

          <section id="panel-todos" class="panel panel-todos card" aria-labelledby="todos-heading">
            <h2 id="todos-heading">Todos</h2>
            <TodoList
              todos={state().todos}
              live={live()}
              onAdd={(title) => connection.addTodo(title)}
              actions={todoActions}
              people={members.people()}
              me={user.userId}
            />
          </section>

          <section id="panel-people" class="panel panel-people card" aria-labelledby="people-heading">
            <h2 id="people-heading">People</h2>
            <Show when={state().memberCount} keyed>
              {(count) => (
                <p class="hint" data-testid="connected-count">
                  {connectedText(count)}
                </p>
              )}
            </Show>
            <Show when={isOwner()}>
              <InviteControls roomId={roomId} revoked={invitesRevoked()} />
            </Show>
            <MemberList
              people={members.people()}
              me={user.userId}
              canRemove={isOwner()}
              removalRevokesInvites={isPrivate()}
              onRemove={async (person) => {
                await members.remove(person.userId);
                // The server revoked the private room's earlier invites with the removal.
                if (isPrivate()) setInvitesRevoked((count) => count + 1);
              }}
            />
            <Show when={members.error()} keyed>
              {(problem) => (
                <p class="error-text" role="alert">
                  {describeProblem(problem)}{" "}
                  <button type="button" class="link-button" onClick={() => void members.loadMore()}>
                    Try again
                  </button>
                </p>
              )}
            </Show>
            <Show when={members.hasMore()}>
              <button
                type="button"
                class="small"
                disabled={members.loading()}
                onClick={() => void members.loadMore()}
              >
                {members.loading() ? "Loading…" : "Show more people"}
              </button>
            </Show>
            <Show when={room() && myRole() !== "owner"}>
              <LeaveRoom private={isPrivate()} onLeave={leave} />
            </Show>
          </section>
        </main>
      </Match>
    </Switch>
  );
}

/**
 * One room: asks over HTTP for the room, its todos and my role (a refused WebSocket handshake can't say why),
 * and connects meanwhile. "Not found" from either (an unknown room, or a private one I am not in) shows the
 * same screen.
 */
export function RoomPage(props: { roomId: string }) {
  const user = useUser();
  const [seed, setSeed] = createSignal<RoomWithTodos | null>(null);
  const [missing, setMissing] = createSignal(false);
  onMount(async () => {
    try {
      setSeed(await getRoom({ roomId: props.roomId }));
    } catch (error) {
      // Other failures surface through the connection's own status; only "no such room" stops here.
      if (error instanceof ApiError && error.code === "not_found") setMissing(true);
    }
  });
  return (
    <Show when={!missing()} fallback={<RoomNotFound />}>
      <Show when={user()} keyed>
        {(me) => (
          <RoomProvider roomId={props.roomId} user={me}>
            <RoomScreen seed={seed()} />
          </RoomProvider>
        )}
      </Show>
    </Show>
  );
}
