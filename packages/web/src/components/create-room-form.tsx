import { createSignal } from "solid-js";
import type { Room } from "@rooms/core/protocol";
import { createRoom, describeFailure, limits } from "../network";
import { ErrorText } from "./error-text";

/** Names and creates a new room, then hands it to `onCreated`. */
export function CreateRoomForm(props: { onCreated: (room: Room) => void }) {
  const [name, setName] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    const trimmed = name().trim();
    if (!trimmed) return setError("Give the room a name.");
    setBusy(true);
    setError(null);
    try {
      props.onCreated(await createRoom({ name: trimmed }));
    } catch (failure) {
      setError(describeFailure(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card stack" onSubmit={submit}>
      <label for="room-name">New room</label>
      <div class="row">
        <input
          id="room-name"
          class="grow"
          placeholder="e.g. Weekend trip"
          maxLength={limits.roomName}
          value={name()}
          onInput={(e) => {
            setName(e.currentTarget.value);
            setError(null);
          }}
        />
        <button type="submit" class="primary" disabled={busy()}>
          {busy() ? "Creating…" : "Create room"}
        </button>
      </div>
      <ErrorText message={error()} />
    </form>
  );
}
