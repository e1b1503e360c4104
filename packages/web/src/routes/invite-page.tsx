import { createSignal, Match, onCleanup, onMount, Switch } from "solid-js";
import { describeFailure } from "../components/problem-text";
import { ApiError, acceptInvite } from "../network";
import { navigate, roomHref, roomsHref } from "../router";

type Outcome =
  | { state: "joining" }
  | { state: "unknown" }
  | { state: "banned" }
  | { state: "failed"; text: string };

/** `#/invite/<code>`: joins the invite's room (POST /invites/{code}), then opens it in place of this page. */
export function InvitePage(props: { code: string }) {
  const [outcome, setOutcome] = createSignal<Outcome>({ state: "joining" });
  const join = async () => {
    setOutcome({ state: "joining" });
    try {
      const room = await acceptInvite({ code: props.code });
      navigate(roomHref(room.roomId), { replace: true });
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === "not_found") setOutcome({ state: "unknown" });
      else if (failure instanceof ApiError && failure.code === "forbidden") setOutcome({ state: "banned" });
      else setOutcome({ state: "failed", text: describeFailure(failure) });
    }
  };
  onMount(() => {
    document.title = "Joining a room · Rooms";
    void join();
  });
  onCleanup(() => (document.title = "Rooms"));

  return (
    <main class="page narrow" aria-live="polite">
      <Switch>
        <Match when={outcome().state === "joining"}>
          <h1>Joining the room…</h1>
          <p class="hint">Checking your invite.</p>
        </Match>
        <Match when={outcome().state === "unknown"}>
          <h1>This invite link doesn't work</h1>
          <p>
            It may have expired or been revoked, or the link is incomplete. Ask the room's owner for a new
            one.
          </p>
          <p>
            <a href={roomsHref}>See your rooms</a>
          </p>
        </Match>
        <Match when={outcome().state === "banned"}>
          <h1>You can't join this room</h1>
          <p>You were removed from this room. Only a new invite from its owner lets you back in.</p>
          <p>
            <a href={roomsHref}>See your rooms</a>
          </p>
        </Match>
        <Match when={outcome().state === "failed" && (outcome() as { text: string }).text} keyed>
          {(text) => (
            <>
              <h1>Couldn't join the room</h1>
              <p class="error-text" role="alert">
                {text}
              </p>
              <div class="row">
                <button type="button" class="primary" onClick={() => void join()}>
                  Try again
                </button>
                <a href={roomsHref}>See your rooms</a>
              </div>
            </>
          )}
        </Match>
      </Switch>
    </main>
  );
}
