import { NamedTimers } from "./named-timers";
import type { ReadPosition } from "./protocol";
import { advanceRead, type RoomState } from "./room-state";
import type { Clock } from "./socket-seam";

/** What the read reporter needs from the connection. */
export interface ReadReporterLink {
  /** Our read position as far as we know (the server's, moved on by what we sent). */
  readSeq(): number;
  live(): boolean;
  /** Puts `markRead` on the wire; false if the socket could not take it. */
  send(seq: number): boolean;
  /** `seq` went out: it is our read position now. */
  sent(seq: number): void;
}

/**
 * Our read position on its way to the server: `markRead` at most once per `delayMs`, only forward, and only
 * while live (a position seen while not live goes out once live again, through `resume`).
 */
export class ReadReporter {
  readonly #timers: NamedTimers<"flush">;
  readonly #delayMs: number;
  readonly #link: ReadReporterLink;
  /** The newest seq seen on screen and waiting to be sent. */
  #wanted = 0;

  constructor(clock: Clock, delayMs: number, link: ReadReporterLink) {
    this.#timers = new NamedTimers(clock);
    this.#delayMs = delayMs;
    this.#link = link;
  }

  /** Every message up to `seq` was seen: sent when the delay ends (the first one starts it). */
  seen(seq: number): void {
    if (!Number.isInteger(seq) || seq <= Math.max(this.#link.readSeq(), this.#wanted)) return;
    this.#wanted = seq;
    if (!this.#timers.has("flush")) this.#timers.set("flush", this.#delayMs, () => this.#flush());
  }

  /** Live again: a position that waited goes out now, unless the delay still runs (it goes out then). */
  resume(): void {
    if (this.#wanted > this.#link.readSeq() && !this.#timers.has("flush")) this.#flush();
  }

  /** The position seen but not yet sent while live (to send on leaving: leaving right after reading is common). */
  unsent(): number | null {
    return this.#link.live() && this.#wanted > this.#link.readSeq() ? this.#wanted : null;
  }

  /** The connection ended: nothing more is sent until `seen` or `resume` again. */
  cancel(): void {
    this.#timers.clearAll();
  }

  #flush(): void {
    const seq = this.#wanted;
    if (seq <= this.#link.readSeq() || !this.#link.live()) return;
    if (this.#link.send(seq)) this.#link.sent(seq);
  }
}

type Reads = Pick<RoomState, "readSeq" | "reads">;

/**
 * A `read` frame: someone's read position moved, another member's (for "Seen by") or ours, from another tab.
 * Returns the change, or null if there is none.
 */
export function readFrom(
  state: Reads,
  myUserId: string,
  { userId, seq }: ReadPosition,
): Partial<Reads> | null {
  if (!Number.isInteger(seq)) return null;
  if (userId === myUserId) return seq > state.readSeq ? { readSeq: seq } : null;
  const reads = advanceRead(state.reads, { userId, seq });
  return reads === state.reads ? null : { reads };
}

/** The other members' read positions after a snapshot's `reads` (each only forward; never ours). */
export function othersReads(
  reads: readonly ReadPosition[],
  incoming: readonly ReadPosition[],
  myUserId: string,
): readonly ReadPosition[] {
  let next = reads;
  for (const read of incoming) if (read.userId !== myUserId) next = advanceRead(next, read);
  return next;
}
