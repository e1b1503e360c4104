import { Match, Show, Switch } from "solid-js";
import { NameForm } from "./components/name-form";
import { createRoute, roomsHref } from "./router";
import { InvitePage } from "./routes/invite-page";
import { RoomPage } from "./routes/room-page";
import { RoomsPage } from "./routes/rooms-page";
import { SessionProvider, useSession } from "./session/session-context";

/** First visit (or a token the server refused): a name makes a guest session; then the route's screen. */
function Welcome() {
  const { signIn, suggestedName, expired } = useSession();
  return (
    <main class="page narrow">
      <h1 class="brand">Rooms</h1>
      <Show
        when={expired()}
        fallback={<p class="lead">Chat rooms and shared todo lists that update live for everyone in them.</p>}
      >
        <p class="notice" role="status">
          Your session has ended. Enter your name to continue.
        </p>
      </Show>
      <NameForm
        initial={suggestedName()}
        onSave={signIn}
        submitLabel="Continue"
        help="Shown next to your messages. This browser keeps you signed in as a guest."
      />
    </main>
  );
}

function Screens() {
  const { user } = useSession();
  const route = createRoute();
  return (
    <Show when={user()} fallback={<Welcome />}>
      <Switch>
        <Match when={route().page === "rooms"}>
          <RoomsPage />
        </Match>
        <Match when={route().page === "room" && (route() as { roomId: string }).roomId} keyed>
          {(roomId) => <RoomPage roomId={roomId} />}
        </Match>
        <Match when={route().page === "invite" && (route() as { code: string }).code} keyed>
          {(code) => <InvitePage code={code} />}
        </Match>
        <Match when={route().page === "not-found"}>
          <main class="page narrow">
            <h1>Page not found</h1>
            <p>
              That address doesn't lead anywhere. <a href={roomsHref}>See all rooms</a>.
            </p>
          </main>
        </Match>
      </Switch>
    </Show>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Screens />
    </SessionProvider>
  );
}
