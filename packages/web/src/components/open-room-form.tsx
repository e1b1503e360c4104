import { createSignal } from "solid-js";
import { hrefFromLink, navigate } from "../router";
import { ErrorText } from "./error-text";

/** Opens a room or an invite from a pasted link (or a bare room id). */
export function OpenRoomForm() {
  const [link, setLink] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const href = hrefFromLink(link());
    if (!href) return setError("That doesn't look like a room or invite link.");
    navigate(href);
  };
  return (
    <form class="card stack" onSubmit={submit}>
      <label for="room-link">Open a room or invite link</label>
      <div class="row">
        <input
          id="room-link"
          class="grow"
          placeholder="Paste a link"
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
