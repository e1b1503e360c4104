import { Connection } from "@rooms/core/connection";
import type { Db } from "@rooms/core/db";
import { Room } from "@rooms/core/room";
import type { RoomClient, RoomClients } from "./room-clients";
import { mapConcurrently } from "./stats";

/**
 * Puts `count` live sockets into `roomId` without paying the join storm. Joining a room announces
 * `memberJoined` to everyone already there, so N real joins cost N(N-1)/2 posts (499,500 for 1,000 members:
 * many minutes on this machine) before the first measured message. Instead each socket joins through the real
 * `$connect` into a staging room of its own (nobody to announce to), and then
 * its connection record is moved to the measured room. From there on the handlers treat it exactly like a
 * member that joined: every frame finds its room through that record, every broadcast lists it on gsi1.
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
  const stagingRooms = new Map<string, string>();
  const opened = await clients.open({
    count,
    concurrency,
    namePrefix,
    roomFor: async (index) => {
      const staging = await Room.create(db, { name: `staging ${namePrefix}${index}` });
      stagingRooms.set(`${namePrefix}${index}`, staging.roomId);
      return staging.roomId;
    },
  });
  await mapConcurrently(opened, concurrency, async (client) => {
    const records = await Connection.listByRoom(db, { roomId: stagingRooms.get(client.name)! });
    const record = records[0];
    if (records.length !== 1 || record?.name !== client.name) {
      throw new Error(`${client.name}: expected its one connection record in its staging room, found ${JSON.stringify(records)}`);
    }
    await db.entities.connection.put({ ...record, roomId }).go();
  });
  return opened;
}
