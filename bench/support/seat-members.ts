import { Connection } from "@rooms/core/connection";
import type { Db } from "@rooms/core/db";
import { Membership } from "@rooms/core/membership";
import { Room } from "@rooms/core/room";
import { createSession } from "../../test/support/room-session";
import type { RoomClient, RoomClients } from "./room-clients";
import { mapConcurrently } from "./stats";

/**
 * Puts `count` live sockets into `roomId` without paying the join storm. Joining a room announces
 * `memberJoined` to everyone already there, so N real joins cost N(N-1)/2 posts (499,500 for 1,000 members:
 * many minutes on this machine) before the first measured message. Instead each socket is a user of its own
 * (`POST /sessions`) that owns a private staging room (written straight to the table, so nobody is announced
 * to and `GET /rooms` does not list it), takes a ticket for it (`POST /rooms/{id}/tickets`) and joins it through
 * the real authorizer and `$connect`; then its connection record is moved to the measured room and the user is
 * made a member of it. From there on every broadcast lists it on gsi1, so it receives exactly like a member that
 * joined. It cannot send messages: its socket's authorizer context names the staging room, and sendMessage takes
 * the room from that context (other frames read the record). Senders join the measured room for real.
 */
export async function seatMembers({
  db,
  clients,
  roomId,
  count,
  concurrency,
  namePrefix,
}: {
  db: Db;
  clients: RoomClients;
  roomId: string;
  count: number;
  concurrency: number;
  namePrefix: string;
}): Promise<RoomClient[]> {
  const { httpUrl } = clients.target;
  if (httpUrl === undefined)
    throw new Error("seatMembers needs the real stack (an HTTP API for sessions and tickets)");
  const room = await Room.get(db, { roomId });
  const opened = await mapConcurrently(
    Array.from({ length: count }, (_, i) => `${namePrefix}${i}`),
    concurrency,
    async (name) => {
      const session = await createSession(httpUrl, name);
      const staging = await Room.create(db, {
        input: { name: `staging ${name}`, visibility: "private" },
        caller: session.user,
      });
      const client = await clients.connect(staging.roomId, name, session);
      const records = await Connection.listByRoom(db, { roomId: staging.roomId });
      const record = records[0];
      if (records.length !== 1 || record?.userId !== session.user.userId) {
        throw new Error(
          `${name}: expected its one connection record in its staging room, found ${JSON.stringify(records)}`,
        );
      }
      await Membership.join(db, { room, user: session.user });
      await db.entities.connection.put({ ...record, roomId }).go();
      return client;
    },
  );
  clients.clients.push(...opened);
  return opened;
}
