import { Match, Show, Switch } from "solid-js";
import { NameForm } from "./components/name-form";
import { createRoute, roomsHref } from "./router";
import { RoomPage } from "./routes/room-page";
import { RoomsPage } from "./routes/rooms-page";
import { SessionProvider, useSession } from "./session/session-context";

function Screens() {
  const { name, setName } = useSession();
  const route = createRoute();
  return (
    <Show
      when={name()}
      fallback={
        <main class="page narrow">
          <h1 class="brand">Rooms</h1>
          <p class="lead">Chat rooms and shared todo lists that update live for everyone in them.</p>
          <NameForm onSave={setName} submitLabel="Continue" />
        </main>
      }
    >
      <Switch>
        <Match when={route().page === "rooms"}>
          <RoomsPage />
        </Match>
        <Match when={route().page === "room" && (route() as { roomId: string }).roomId} keyed>
          {(roomId) => <RoomPage roomId={roomId} />}
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
