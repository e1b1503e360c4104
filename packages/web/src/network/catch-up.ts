import type { ClientFrameOf, SnapshotPart } from "./protocol";
import { joinSnapshotParts } from "./room-state";

/**
 * Which messages the client still has to fetch, and the `sync` that fetches them. Messages are held in `seq`
 * order and `lastSeq` (the connection's) is the end of the run held without a hole; anything that shows the
 * server has more (a message beyond the hole, a pong's or snapshot's `lastSeq`) leads to one
 * `sync {afterSeq: lastSeq}`, repeated while `hasMore`. room-sync.ts sends the syncs and owns the timers.
 */
export class CatchUp {
  /** The `afterSeq` of the sync we are waiting for: undefined = none in flight, null = newest page. */
  #syncAfter: number | null | undefined = undefined;
  /** The parts of a snapshot sent in several frames, until the one marked `last`. */
  #parts: SnapshotPart[] = [];
  /** The highest seq the server has shown us exists (held messages, pong, snapshot). */
  #serverSeq = 0;
  /** A gap sync that brought nothing new stops gap syncs until a higher seq shows up (no loop on a bad server). */
  #gaveUpAt = -1;
  /** The last snapshot's `syncedAt`: a catch-up asks for changes to held messages since then (`changesSince`). */
  #syncedAt: string | undefined;
  /**
   * The socket dropped since the last snapshot: we were away, so held messages may have been edited, deleted or
   * reacted to unheard. Only then does a sync ask for `changes` (a gap sync while live heard those live).
   */
  #away = false;

  get inFlight(): boolean {
    return this.#syncAfter !== undefined;
  }

  /**
   * The sync frame for the messages after `afterSeq` (null: the newest page), now awaited. After being away, the
   * answer's `changes` also holds the held messages edited, deleted or reacted to since the last snapshot.
   */
  request(afterSeq: number | null): ClientFrameOf<"sync"> {
    this.#syncAfter = afterSeq;
    if (afterSeq === null) return { action: "sync" };
    return this.#away && this.#syncedAt
      ? { action: "sync", afterSeq, changesSince: this.#syncedAt }
      : { action: "sync", afterSeq };
  }

  /** The sync frame awaited now (to send it again), or null if none is. */
  pending(): ClientFrameOf<"sync"> | null {
    return this.#syncAfter === undefined ? null : this.request(this.#syncAfter);
  }

  /** One snapshot frame: the whole snapshot once its last part is here, else null. */
  receive(frame: SnapshotPart): SnapshotPart | null {
    if (frame.part === undefined) return frame;
    if (frame.part === 1) this.#parts = [];
    this.#parts.push(frame);
    if (!frame.last) return null;
    const whole = joinSnapshotParts(this.#parts);
    this.#parts = [];
    return whole;
  }

  /**
   * A snapshot arrived (its `syncedAt` is where the next catch-up's changes start): returns the `afterSeq` of
   * the sync it answers (undefined: none was asked for).
   */
  answered({ syncedAt }: SnapshotPart = {}): number | null | undefined {
    if (syncedAt) this.#syncedAt = syncedAt;
    this.#away = false;
    const after = this.#syncAfter;
    this.#syncAfter = undefined;
    return after;
  }

  /** The server has (at least) messages up to `seq`; true if that is news. */
  noteServerSeq(seq: number | undefined): boolean {
    if (typeof seq !== "number" || !Number.isInteger(seq) || seq <= this.#serverSeq) return false;
    this.#serverSeq = seq;
    return true;
  }

  /** The server has messages past `lastSeq`. */
  hasGap(lastSeq: number): boolean {
    return this.#serverSeq > lastSeq;
  }

  /** A gap past `lastSeq` worth a sync now: none in flight, and not one an earlier sync failed to fill. */
  gapToSync(lastSeq: number): boolean {
    return this.hasGap(lastSeq) && !this.inFlight && this.#serverSeq > this.#gaveUpAt;
  }

  /**
   * After the answer to `sync {afterSeq: after}` is merged (`lastSeq` now): `more` to ask for the next page,
   * `done` otherwise. A page that moved us no further (a server in trouble) settles, and the same range is not
   * asked for again until something newer shows up.
   */
  next({
    after,
    hasMore,
    lastSeq,
  }: {
    after: number | null;
    hasMore: boolean;
    lastSeq: number;
  }): "more" | "done" {
    if (after === null) return "done";
    if (hasMore && lastSeq > after) return "more";
    if (lastSeq === after && this.#serverSeq > after) this.#gaveUpAt = this.#serverSeq;
    return "done";
  }

  /** The socket is gone: nothing is in flight any more (the seq the server showed us still stands). */
  reset(): void {
    this.#away = true;
    this.#syncAfter = undefined;
    this.#parts = [];
    this.#gaveUpAt = -1;
  }
}
