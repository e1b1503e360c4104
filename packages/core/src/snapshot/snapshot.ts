import { z } from "zod";
import * as Connection from "../connection/connection";
import type { Db } from "../db/create-db";
import { parseInput } from "../errors/parse-input";
import { fitSnapshot } from "./fit-snapshot";
import { idSchema } from "../ids/ids";
import * as Message from "../message/message";
import type { Snapshot } from "../protocol/frames";
import * as Room from "../room/room";

export const readInput = z.object({ roomId: idSchema, after: idSchema.optional() });

/**
 * What a (re)connecting client needs: the room, its todos, who is here, and either the messages after the
 * last one it has or the newest page. `hasMore` means older messages (newest page) or more after (catch-up).
 * The result always fits in one frame a connection may receive (messages are dropped and `hasMore` set if not).
 */
export async function read(db: Db, input: z.input<typeof readInput>, now = new Date()): Promise<Snapshot> {
  const { roomId, after } = parseInput(readInput, input);
  const [{ room, todos }, members, page] = await Promise.all([
    Room.getWithTodos(db, { roomId }),
    Connection.members(db, { roomId, now }),
    after
      ? Message.after(db, { roomId, after, limit: 100 })
      : Message.history(db, { roomId, limit: 50 }).then(({ messages, cursor }) => ({ messages, hasMore: cursor !== null })),
  ]);
  return fitSnapshot({ room, todos, members, messages: page.messages, hasMore: page.hasMore }, { keep: after ? "oldest" : "newest" });
}
