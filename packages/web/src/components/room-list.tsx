import { createSignal, For, type JSX, onMount, Show } from "solid-js";
import { formatCreated } from "../format-time";
import type { Room } from "../network";
import { roomHref } from "../router";
import { describeFailure } from "./problem-text";

const PAGE_SIZE = 20;

/**
 * One list of rooms on the home screen, in the server's order, a page at a time ("Load more rooms"). Failures
 * show in words with a way to try again. `detail` is the small text on the right (default: when it was created);
 * `unread` rooms have their name in bold.
 */
export function RoomList<R extends Room>(props: {
  heading: string;
  testId: string;
  empty: JSX.Element;
  load: (page: { limit: number; cursor: string | null }) => Promise<{ rooms: R[]; cursor: string | null }>;
  badges?: (room: R) => JSX.Element;
  detail?: (room: R) => string;
  unread?: (room: R) => boolean;
}) {
  const [rooms, setRooms] = createSignal<R[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const headingId = `${props.testId}-heading`;

  const loadPage = async (from: string | null) => {
    setLoading(true);
    setError(null);
    try {
      const page = await props.load({ limit: PAGE_SIZE, cursor: from });
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
    <section class="card stack" aria-labelledby={headingId}>
      <h2 id={headingId}>{props.heading}</h2>
      <Show when={error()}>
        <div class="notice" data-tone="error" role="alert">
          <p>{error()}</p>
          <button type="button" onClick={() => void loadPage(loaded() ? cursor() : null)}>
            Try again
          </button>
        </div>
      </Show>
      <Show when={loaded() && rooms().length === 0}>
        <p class="empty">{props.empty}</p>
      </Show>
      <ul class="room-list" data-testid={props.testId}>
        <For each={rooms()}>
          {(room) => (
            <li>
              <a
                href={roomHref(room.roomId)}
                class="room-link"
                classList={{ unread: props.unread?.(room) ?? false }}
              >
                <span class="room-name">{room.name}</span>
                <span class="room-facts">
                  {props.badges?.(room)}
                  <span class="hint">
                    {props.detail ? props.detail(room) : formatCreated(room.createdAt)}
                  </span>
                </span>
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
  );
}
