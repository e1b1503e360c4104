import { createSignal, For, onMount, Show } from "solid-js";
import type { Room } from "@rooms/core/protocol";
import { CreateRoomForm } from "../components/create-room-form";
import { NameForm } from "../components/name-form";
import { OpenRoomForm } from "../components/open-room-form";
import { formatCreated } from "../format-time";
import { describeFailure, listRooms } from "../network";
import { navigate, roomHref } from "../router";
import { useDisplayName, useSession } from "../session/session-context";

const PAGE_SIZE = 20;

/** Home: every room, newest first, with "load more"; create a room; open one by link; change your name. */
export function RoomsPage() {
  const { setName } = useSession();
  const name = useDisplayName();
  const [renaming, setRenaming] = createSignal(false);
  const [rooms, setRooms] = createSignal<Room[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  const loadPage = async (from: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const page = await listRooms({ limit: PAGE_SIZE, cursor: from });
      setRooms((current) => {
        const known = new Set(current.map((r) => r.roomId));
        return [...current, ...page.rooms.filter((r) => !known.has(r.roomId))];
      });
      setCursor(page.cursor);
      setLoaded(true);
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setLoading(false);
    }
  };
  onMount(() => void loadPage(null));

  return (
    <main class="page">
      <header class="page-header">
        <h1 class="brand">Rooms</h1>
        <Show
          when={!renaming()}
          fallback={
            <NameForm
              initial={name()}
              submitLabel="Save name"
              onSave={(next) => {
                setName(next);
                setRenaming(false);
              }}
              onCancel={() => setRenaming(false)}
            />
          }
        >
          <p class="whoami">
            You are <strong>{name()}</strong>{" "}
            <button type="button" class="link-button" onClick={() => setRenaming(true)}>
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

        <section class="card stack" aria-labelledby="rooms-heading">
          <h2 id="rooms-heading">All rooms</h2>
          <Show when={error()}>
            <div class="notice" data-tone="error" role="alert">
              <p>{error()}</p>
              <button type="button" onClick={() => void loadPage(loaded() ? cursor() : null)}>
                Try again
              </button>
            </div>
          </Show>
          <Show when={loaded() && rooms().length === 0}>
            <p class="empty">No rooms yet. Create the first one!</p>
          </Show>
          <ul class="room-list" data-testid="room-list">
            <For each={rooms()}>
              {(room) => (
                <li>
                  <a href={roomHref(room.roomId)} class="room-link">
                    <span class="room-name">{room.name}</span>
                    <span class="hint">{formatCreated(room.createdAt)}</span>
                  </a>
                </li>
              )}
            </For>
          </ul>
          <Show when={loading()}>
            <p class="hint" role="status">
              Loading rooms…
            </p>
          </Show>
          <Show when={cursor() && !loading()}>
            <button type="button" onClick={() => void loadPage(cursor())}>
              Load more rooms
            </button>
          </Show>
        </section>
      </div>
    </main>
  );
}
