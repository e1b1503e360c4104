import { createSignal, Show } from "solid-js";
import { Badge } from "../components/badge";
import { CreateRoomForm } from "../components/create-room-form";
import { NameForm } from "../components/name-form";
import { OpenRoomForm } from "../components/open-room-form";
import { RoomList } from "../components/room-list";
import { UnreadBadge } from "../components/unread-badge";
import { formatCreated, formatLastMessage } from "../format-time";
import { listMyRooms, listRooms } from "../network";
import { navigate, roomHref } from "../router";
import { useSession, useUser } from "../session/session-context";

/** Home: my rooms and the public rooms, a page at a time; create a room; open one by link; change your name. */
export function RoomsPage() {
  const { rename } = useSession();
  const user = useUser();
  const [renaming, setRenaming] = createSignal(false);
  let changeNameButton: HTMLButtonElement | undefined;
  const stopRenaming = () => {
    setRenaming(false);
    queueMicrotask(() => changeNameButton?.focus());
  };

  return (
    <main class="page">
      <header class="page-header">
        <h1 class="brand">Rooms</h1>
        <Show
          when={!renaming()}
          fallback={
            <NameForm
              initial={user().name}
              submitLabel="Save name"
              help="Shown next to your messages from now on."
              onSave={async (next) => {
                await rename(next);
                stopRenaming();
              }}
              onCancel={stopRenaming}
            />
          }
        >
          <p class="whoami">
            You are <strong data-testid="my-name">{user().name}</strong>{" "}
            <button
              type="button"
              class="link-button"
              ref={changeNameButton}
              onClick={() => setRenaming(true)}
            >
              Change name
            </button>
          </p>
        </Show>
      </header>

      <div class="home-grid">
        <div class="stack">
          <CreateRoomForm onCreated={(room) => navigate(roomHref(room.roomId))} />
          <OpenRoomForm />
        </div>

        <div class="stack">
          <RoomList
            heading="My rooms"
            testId="my-rooms"
            empty="Rooms you create or join show up here."
            load={(page) => listMyRooms(page)}
            unread={(room) => room.unread > 0 || room.unreadMentions > 0}
            detail={(room) =>
              room.lastMessageAt ? formatLastMessage(room.lastMessageAt) : formatCreated(room.createdAt)
            }
            badges={(room) => (
              <>
                <UnreadBadge unread={room.unread} mentions={room.unreadMentions} />
                <Show when={room.role === "owner"}>
                  <Badge>Owner</Badge>
                </Show>
                <Show when={room.visibility === "private"}>
                  <Badge tone="muted">Private</Badge>
                </Show>
              </>
            )}
          />
          <RoomList
            heading="Public rooms"
            testId="public-rooms"
            empty="No public rooms yet. Create the first one!"
            load={(page) => listRooms(page)}
          />
        </div>
      </div>
    </main>
  );
}
