import { warmRoomListing } from "../broadcast/connection-list-cache";
import { Connection } from "../connection";
import type { Db } from "../db";
import { UnauthorizedError } from "../errors/domain-errors";
import { defaultLimits } from "../limits/limits";
import { Message } from "../message";
import { containerLastSeq } from "../message/last-seq-memory";
import type { ClientFrameOf } from "../protocol";
import { RateLimit } from "../rate-limit";
import { deliverCreated } from "./deliver-created";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Stores a chat message in the sender's room with the next `seq`, authored by the sender's user (id and
 * display name), then delivers it to the sender and everyone else at once. A repeated clientMessageId stores
 * nothing: the sender alone gets the stored message.
 *
 * Who sends and where is the authorizer's context (`caller`): API Gateway attaches it to every event of the
 * connection and no client can set it, so nothing is read to learn it. The transaction's membership condition
 * is the access check (a removed member's membership goes with the ban), and the frame's rate-limit token is
 * an item of its first attempt (a frame refused `rate_limited` writes nothing). So a send is one round trip
 * before the first post: the transaction, built on the room's `seq` as this container last stored it
 * (LastSeqMemory; read first only when the container has no trusted guess). Beside it, off that path: the
 * room's connection list into the container's cache, and the connection's record, read only to refresh its
 * expiry afterwards.
 * Measured in bench/suites/latency.ts.
 */
export async function sendChatMessage({
  db,
  delivery,
  connectionId,
  limits = defaultLimits,
  caller,
  frame: { text, clientMessageId, mentions },
}: RealtimeDeps & { frame: ClientFrameOf<"sendMessage"> }): Promise<RealtimeOutcome> {
  const now = new Date();
  const frameToken = new RateLimit.TokenInTransaction("frames", connectionId, limits);
  if (!caller) {
    await frameToken.takeAlone(db);
    throw new UnauthorizedError("This connection was not admitted by a ticket; reconnect with ?ticket=");
  }
  const { roomId, userId, name } = caller;
  const record = Connection.get(db, { connectionId, now });
  const listing = warmRoomListing(db, { roomId, frameType: "message", cache: delivery.listingCache });
  // Handled from the start: a record read that fails while the send is still on its way is no unhandled rejection.
  const sideReads = Promise.allSettled([record, listing]);
  try {
    const lastSeq = containerLastSeq.guess(roomId) ?? (await readLastSeq(db, roomId, frameToken));
    const { message, created, lostRaces } = await Message.send(
      db,
      { roomId, authorId: userId, author: name, text, clientMessageId, mentions },
      { now, lastSeq, frameToken },
    );
    if (created) containerLastSeq.stored(roomId, message.seq, { lostRace: lostRaces > 0 });
    await listing;
    const outcome = await deliverCreated({
      db,
      delivery,
      connectionId,
      roomId,
      // No reactions on a new message. A repeat gets the stored one as `reactions: []` too: its reactions, if
      // any came meanwhile, reached the sender in `reactions` frames.
      frame: { type: "message", message: { ...message, reactions: message.reactions ?? [] } },
      created,
    });
    const connection = await record;
    if (connection) await Connection.touch(db, { connection, now });
    return outcome;
  } finally {
    // A refused frame's side reads still end inside its invocation: a Lambda is frozen once it returns.
    await sideReads;
  }
}

/** The room's counter, read because this container has no trusted guess; a frame refused here still counts. */
async function readLastSeq(db: Db, roomId: string, frameToken: RateLimit.TokenInTransaction) {
  try {
    const lastSeq = await Message.readLastSeq(db, { roomId });
    containerLastSeq.read(roomId, lastSeq);
    return lastSeq;
  } catch (error) {
    await frameToken.takeAlone(db);
    throw error;
  }
}
