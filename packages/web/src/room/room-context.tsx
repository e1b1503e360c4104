import { createContext, createSignal, onCleanup, useContext, type Accessor, type ParentProps } from "solid-js";
import { connectToRoom, type RoomConnection, type RoomState } from "../network";

export interface RoomSession {
  state: Accessor<RoomState>;
  connection: RoomConnection;
  roomId: string;
  name: string;
}

const RoomContext = createContext<RoomSession>();

/**
 * Connects to one room for as long as it is rendered and exposes the connection's state as a signal.
 * Render it keyed on (roomId, name): a new room or a new name is a new connection.
 */
export function RoomProvider(props: ParentProps<{ roomId: string; name: string }>) {
  // Props are fixed for this provider's life (the parent keys it), so reading them once is intended.
  const { roomId, name } = props;
  const connection = connectToRoom({ roomId, name });
  const [state, setState] = createSignal(connection.state);
  const unsubscribe = connection.subscribe(setState);
  const onOnline = () => connection.reconnectNow();
  window.addEventListener("online", onOnline);
  connection.start();
  onCleanup(() => {
    window.removeEventListener("online", onOnline);
    unsubscribe();
    connection.stop();
  });
  return <RoomContext.Provider value={{ state, connection, roomId, name }}>{props.children}</RoomContext.Provider>;
}

export function useRoom(): RoomSession {
  const room = useContext(RoomContext);
  if (!room) throw new Error("useRoom() needs a <RoomProvider> above it");
  return room;
}
