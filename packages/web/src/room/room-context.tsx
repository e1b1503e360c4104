import {
  type Accessor,
  createContext,
  createSignal,
  onCleanup,
  type ParentProps,
  useContext,
} from "solid-js";
import { connectToRoom, type RoomConnection, type RoomState, type User } from "../network";
import { createRoomMembers, type RoomMembers } from "./room-members";

export interface RoomSession {
  state: Accessor<RoomState>;
  connection: RoomConnection;
  /** Memberships merged with live presence, grouped by userId. */
  members: RoomMembers;
  roomId: string;
  user: User;
}

const RoomContext = createContext<RoomSession>();

/**
 * Connects to one room for as long as it is rendered and exposes the connection's state as a signal, and the
 * room's member list. Render it keyed on (roomId, user): a new room or a new identity is a new connection.
 */
export function RoomProvider(props: ParentProps<{ roomId: string; user: User }>) {
  // Props are fixed for this provider's life (the parent keys it), so reading them once is intended.
  const { roomId, user } = props;
  const connection = connectToRoom({ roomId, user });
  const [state, setState] = createSignal(connection.state);
  const unsubscribe = connection.subscribe(setState);
  const members = createRoomMembers({ roomId, live: () => state().members });
  const onOnline = () => connection.reconnectNow();
  window.addEventListener("online", onOnline);
  connection.start();
  onCleanup(() => {
    window.removeEventListener("online", onOnline);
    unsubscribe();
    connection.stop();
  });
  return (
    <RoomContext.Provider value={{ state, connection, members, roomId, user }}>
      {props.children}
    </RoomContext.Provider>
  );
}

export function useRoom(): RoomSession {
  const room = useContext(RoomContext);
  if (!room) throw new Error("useRoom() needs a <RoomProvider> above it");
  return room;
}
