import { createSignal } from "solid-js";
import { navigate, roomHref, roomIdFromLink } from "../router";
import { ErrorText } from "./error-text";

/** Opens a room from a pasted link (or bare room id). */
export function OpenRoomForm() {
  const [link, setLink] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const roomId = roomIdFromLink(link());
    if (!roomId) return setError("That doesn't look like a room link.");
    navigate(roomHref(roomId));
  };
  return (
    <form class="card stack" onSubmit={submit}>
      <label for="room-link">Open a room by link</label>
      <div class="row">
        <input
          id="room-link"
          class="grow"
          placeholder="Paste a room link"
          value={link()}
          onInput={(e) => {
            setLink(e.currentTarget.value);
            setError(null);
          }}
        />
        <button type="submit">Open</button>
      </div>
      <ErrorText message={error()} />
    </form>
  );
}
