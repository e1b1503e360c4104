import type { ConnectionTiming } from "../../../src/network/connection-timing";
import type { MessagesPage } from "../../../src/network/http-api";
import type { Snapshot } from "../../../src/network/protocol";
import { RoomConnection } from "../../../src/network/room-connection";
import { FakeClock } from "./fake-clock";
import { FakeSockets } from "./fake-socket";
import { ANA, ROOM_ID, snapshot } from "./fixtures";

/**
 * What the fake ticket endpoint answers to the n-th request (from 1): a ticket (handed over at once), an error
 * (thrown at once), or a promise of its own (to hold the answer back). Default: `ticket-n`.
 */
export type TicketAnswer = string | Error | PromiseLike<string>;

/**
 * A RoomConnection for Ana (userId ANA) wired to a fake socket, a fake clock, a scripted random() and a fake
 * ticket endpoint.
 */
export function harness({
  random = () => 0.5,
  timing,
  fetchOlder = async () => ({ messages: [], cursor: null }),
  ticket = (n) => `ticket-${n}`,
}: {
  random?: () => number;
  timing?: Partial<ConnectionTiming>;
  fetchOlder?: (input: { roomId: string; before: number }) => Promise<MessagesPage>;
  ticket?: (n: number) => TicketAnswer;
} = {}) {
  const clock = new FakeClock();
  const sockets = new FakeSockets();
  /** The roomId of every ticket request, in order. */
  const ticketRequests: string[] = [];
  let nextId = 0;
  const connection = new RoomConnection({
    wsUrl: "ws://gateway.test",
    roomId: ROOM_ID,
    name: "Ana",
    userId: ANA,
    getTicket: (roomId) => {
      ticketRequests.push(roomId);
      const answer = ticket(ticketRequests.length);
      if (answer instanceof Error) throw answer;
      return answer;
    },
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
  return { clock, sockets, connection, goLive, ticketRequests };
}
