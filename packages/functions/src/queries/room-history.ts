import type { Db } from "@rooms/core/db";
import { Message } from "@rooms/core/message";
import { Room } from "@rooms/core/room";
import type { z } from "zod";

/**
 * One page of a room's history; an unknown room is a NotFoundError rather than an empty page. The room
 * Get runs beside the history Query, so the check costs no extra round trip.
 */
export async function roomHistory(db: Db, input: z.input<typeof Message.historyInput>) {
  const [, page] = await Promise.all([Room.get(db, { roomId: input.roomId }), Message.history(db, input)]);
  return page;
}
