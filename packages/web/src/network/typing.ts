import { NamedTimers } from "./named-timers";
import type { Member } from "./protocol";
import type { Typist } from "./room-state";
import type { Clock } from "./socket-seam";

/**
 * Our own typing, told to the room at once, then at most once per `everyMs`. Typing during the wait is told when
 * it ends (else a short message typed just after the last would never show).
 */
export class TypingSignal {
  readonly #timers: NamedTimers<"typing">;
  readonly #clock: Clock;
  readonly #everyMs: number;
  /** Puts `typing` on the wire if it can; false if it could not. */
  readonly #send: () => boolean;
  #sentAt: number | null = null;

  constructor(clock: Clock, everyMs: number, send: () => boolean) {
    this.#timers = new NamedTimers(clock);
    this.#clock = clock;
    this.#everyMs = everyMs;
    this.#send = send;
  }

  typing(): void {
    const wait = this.#sentAt === null ? 0 : this.#sentAt + this.#everyMs - this.#clock.now();
    if (wait <= 0) this.#sendNow();
    else if (!this.#timers.has("typing")) this.#timers.set("typing", wait, () => this.#sendNow());
  }

  /** A `typing` still waiting would now be wrong (the message was sent, the connection ended). */
  cancel(): void {
    this.#timers.clearAll();
  }

  /** A new socket: the room has not heard from this one, so the next typing goes out at once. */
  reset(): void {
    this.cancel();
    this.#sentAt = null;
  }

  #sendNow(): void {
    this.#timers.clearAll();
    if (this.#send()) this.#sentAt = this.#clock.now();
  }
}

/** Who else is typing, as the connection holds it. */
export interface TypistsLink {
  get(): readonly Typist[];
  set(typing: readonly Typist[]): void;
}

/** The other members shown as typing: each for `shownMs` after their last `typing`, one entry per userId. */
export class Typists {
  readonly #timers: NamedTimers<string>;
  readonly #shownMs: number;
  readonly #myUserId: string;
  readonly #link: TypistsLink;

  constructor(clock: Clock, shownMs: number, myUserId: string, link: TypistsLink) {
    this.#timers = new NamedTimers(clock);
    this.#shownMs = shownMs;
    this.#myUserId = myUserId;
    this.#link = link;
  }

  /** A `typing` frame: shows `member` as typing for `shownMs` more (never ourselves). */
  typing({ userId, name }: Member): void {
    if (userId === this.#myUserId) return;
    this.#timers.set(userId, this.#shownMs, () => this.stopped(userId));
    const typing = this.#link.get();
    const index = typing.findIndex((t) => t.userId === userId);
    if (index === -1) this.#link.set([...typing, { userId, name }]);
    else if ((typing[index] as Typist).name !== name)
      this.#link.set(typing.map((t) => (t.userId === userId ? { userId, name } : t)));
  }

  /** Their message arrived, their time ran out, or they left: no longer typing. */
  stopped(userId: string): void {
    this.#timers.clear(userId);
    const typing = this.#link.get();
    if (typing.some((t) => t.userId === userId)) this.#link.set(typing.filter((t) => t.userId !== userId));
  }

  /** The connection ended: no timer left running. */
  cancel(): void {
    this.#timers.clearAll();
  }
}
