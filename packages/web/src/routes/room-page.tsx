import { createEffect, createSignal, onCleanup, onMount, Show } from "solid-js";
import type { Todo } from "@rooms/core/protocol";
import { ConnectionBadge } from "../components/connection-badge";
import { CopyLinkButton } from "../components/copy-link-button";
import { MemberList } from "../components/member-list";
import { MessageComposer } from "../components/message-composer";
import { MessageList } from "../components/message-list";
import { NoticeList } from "../components/notice-list";
import { TodoList } from "../components/todo-list";
import type { TodoActions } from "../components/todo-item";
import { ApiError, getRoom, type RoomWithTodos } from "../network";
import { RoomProvider, useRoom } from "../room/room-context";
import { roomsHref } from "../router";
import { useDisplayName } from "../session/session-context";

type Panel = "chat" | "todos" | "people";

function RoomScreen(props: { seed: RoomWithTodos | null }) {
  const { state, connection, name } = useRoom();
  const [panel, setPanel] = createSignal<Panel>("chat");
  const live = () => state().status === "live";

  createEffect(() => props.seed && connection.seed(props.seed));
  createEffect(() => {
    const room = state().room;
    document.title = room ? `${room.name} · Rooms` : "Rooms";
  });
  onCleanup(() => (document.title = "Rooms"));

  const todoActions: TodoActions = {
    toggle: (todo: Todo, done: boolean) => connection.updateTodo(todo, { done }),
    rename: (todo: Todo, title: string) => connection.updateTodo(todo, { title }),
    remove: (todo: Todo) => connection.deleteTodo(todo.todoId),
  };
  const tab = (id: Panel, label: () => string) => (
    <button type="button" class="tab" aria-pressed={panel() === id} aria-controls={`panel-${id}`} onClick={() => setPanel(id)}>
      {label()}
    </button>
  );

  return (
    <main class="room" data-panel={panel()}>
      <header class="room-header">
        <a href={roomsHref} class="back-link">
          <span aria-hidden="true">←</span> All rooms
        </a>
        <h1 class="room-title" data-testid="room-title">
          {state().room?.name ?? "Loading room…"}
        </h1>
        <div class="room-header-actions">
          <ConnectionBadge status={state().status} waitingToRetry={state().retryAt !== null} onRetryNow={() => connection.reconnectNow()} />
          <CopyLinkButton />
        </div>
      </header>

      <NoticeList notices={state().notices} onDismiss={(id) => connection.dismissNotice(id)} />

      <nav class="tabs" aria-label="Room sections">
        {tab("chat", () => "Chat")}
        {tab("todos", () => `Todos (${state().todos.filter((t) => !t.done).length})`)}
        {tab("people", () => `People (${new Set(state().members.map((m) => m.name)).size})`)}
      </nav>

      <section id="panel-chat" class="panel panel-chat" aria-label="Chat">
        <MessageList
          messages={state().messages}
          pending={state().pending}
          older={state().older}
          synced={state().synced}
          me={name}
          onLoadOlder={() => void connection.loadOlder()}
          onRetry={(id) => connection.retryMessage(id)}
          onDiscard={(id) => connection.discardMessage(id)}
        />
        <MessageComposer onSend={(text) => connection.sendMessage(text)} />
      </section>

      <section id="panel-todos" class="panel panel-todos card" aria-labelledby="todos-heading">
        <h2 id="todos-heading">Todos</h2>
        <TodoList todos={state().todos} live={live()} onAdd={(title) => connection.addTodo(title)} actions={todoActions} />
      </section>

      <section id="panel-people" class="panel panel-people card" aria-labelledby="people-heading">
        <h2 id="people-heading">Here now</h2>
        <MemberList members={state().members} me={name} />
      </section>
    </main>
  );
}

/** One room: checks over HTTP that it exists (a refused WebSocket handshake can't say why), then goes live. */
export function RoomPage(props: { roomId: string }) {
  const name = useDisplayName();
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
    <Show
      when={!missing()}
      fallback={
        <main class="page narrow">
          <h1>Room not found</h1>
          <p>This room doesn't exist. The link may be mistyped or incomplete.</p>
          <p>
            <a href={roomsHref}>See all rooms</a>
          </p>
        </main>
      }
    >
      <Show when={name()} keyed>
        {(me) => (
          <RoomProvider roomId={props.roomId} name={me}>
            <RoomScreen seed={seed()} />
          </RoomProvider>
        )}
      </Show>
    </Show>
  );
}
