/**
 * One container's memory of rooms' `lastSeq` counters (a module-level instance lives as long as the Lambda
 * container), so a send can skip reading the counter before its transaction. A guess is only ever an
 * optimisation: the transaction's condition on the counter refuses a stale one and hands back the counter as it
 * is (Message.send's lost race), so a wrong guess costs one cancelled attempt, never a wrong or repeated `seq`.
 *
 * A room is guessed only while guessing pays: after a guess that lost (another container stored the room's last
 * message), this container reads the counter first again, and guesses anew once a read shows the room did not
 * move since this container last saw it. In a room whose messages arrive through one warm container (a quiet
 * room, or a chatty one at low concurrency) every send after the first skips the read; in a room spread over
 * many containers the sends read first, as they would without this memory, and lose at most one attempt each
 * time the room changes hands.
 */
export class LastSeqMemory {
  /** Rooms in least-recently-used order (a Map keeps insertion order; a use re-inserts). */
  readonly #rooms = new Map<string, { seq: number; trusted: boolean }>();

  constructor(readonly maxRooms = 10_000) {}

  /** The counter to build on without reading it, or undefined: read it first. */
  guess(roomId: string): number | undefined {
    const entry = this.#rooms.get(roomId);
    return entry?.trusted ? entry.seq : undefined;
  }

  /** What a read of the counter found: guessing resumes when the room has not moved since this container saw it. */
  read(roomId: string, seq: number): void {
    this.#set(roomId, { seq, trusted: this.#rooms.get(roomId)?.seq === seq });
  }

  /**
   * This container stored `seq` in the room. It keeps guessing if it guessed (or its read found the room
   * unmoved) and won the counter at the first attempt; `lostRace` (another sender got there first) means the
   * room is being written elsewhere, so the next send reads first.
   */
  stored(roomId: string, seq: number, { lostRace }: { lostRace: boolean }): void {
    this.#set(roomId, { seq, trusted: !lostRace && this.#rooms.get(roomId)?.trusted === true });
  }

  #set(roomId: string, entry: { seq: number; trusted: boolean }) {
    this.#rooms.delete(roomId);
    this.#rooms.set(roomId, entry);
    if (this.#rooms.size > this.maxRooms) this.#rooms.delete(this.#rooms.keys().next().value as string);
  }
}

/** This container's memory (see LastSeqMemory). */
export const containerLastSeq = new LastSeqMemory();
