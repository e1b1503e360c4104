import { RoomConnection, type ConnectionTiming } from "../../../src/network/room-connection";
import type { MessagesPage } from "../../../src/network/http-api";
import { FakeClock } from "./fake-clock";
import { FakeSockets } from "./fake-socket";
import { ROOM_ID, snapshot } from "./fixtures";
import type { Snapshot } from "@rooms/core/protocol";

/** A RoomConnection wired to a fake socket, a fake clock and a scripted random(). */
export function harness({
  random = () => 0.5,
  timing,
  fetchOlder = async () => ({ messages: [], cursor: null }),
}: { random?: () => number; timing?: Partial<ConnectionTiming>; fetchOlder?: (input: { roomId: string; before: string }) => Promise<MessagesPage> } = {}) {
  const clock = new FakeClock();
  const sockets = new FakeSockets();
  let nextId = 0;
  const connection = new RoomConnection({
    wsUrl: "ws://gateway.test",
    roomId: ROOM_ID,
    name: "Ana",
    openSocket: sockets.open,
    fetchOlder,
    clock,
    random,
    newClientId: () => `c${++nextId}`,
    timing,
  });
  /** Starts (if needed), accepts the newest socket and answers its sync with a snapshot. */
  const goLive = (extra: Partial<Snapshot> = {}) => {
    connection.start();
    sockets.last.accept();
    sockets.last.receive(snapshot(extra));
  };
  return { clock, sockets, connection, goLive };
}
