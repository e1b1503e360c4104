import type { DeliveryOptions } from "../broadcast/delivery-options";
import { sendToConnection } from "../broadcast/send-to-connection";
import { Connection } from "../connection";
import type { Db } from "../db";
import { Membership } from "../membership";
import type { User } from "../protocol/shapes";

/**
 * `DELETE /rooms/{roomId}/members/{userId}`: ends the membership (see Membership.remove), then closes each of
 * the user's live sockets in the room (DeleteConnection), telling them `{"type":"removed"}` first unless they
 * left on their own. API Gateway runs `$disconnect` for each closed socket, which deletes the record and
 * announces `memberLeft`. Returns how many sockets were closed.
 */
export async function removeMember({
  db,
  delivery,
  input,
  caller,
}: {
  db: Db;
  delivery: DeliveryOptions;
  input: { roomId: string; userId: string };
  caller: User;
}): Promise<{ roomId: string; closed: number }> {
  const removed = await Membership.remove(db, { input, caller });
  const { roomId } = input;
  if (!removed) return { roomId, closed: 0 };
  const sockets = await Connection.listOfUser(db, { roomId, userId: removed });
  const closed = await Promise.all(
    sockets.map(async ({ connectionId }) => {
      if (removed !== caller.userId)
        await sendToConnection(db, { ...delivery, connectionId, frame: { type: "removed", roomId } });
      const outcome = await delivery.sender.close?.({ connectionId });
      return outcome?.status === "delivered" ? 1 : 0;
    }),
  );
  return { roomId, closed: closed.reduce<number>((sum, n) => sum + n, 0) };
}
