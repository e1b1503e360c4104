import type { Problem } from "./api-error";
import type { ServerFrame } from "./protocol";
import type { Notice } from "./room-state";
import type { RoomStore } from "./room-store";
import type { Clock } from "./socket-seam";

/** At most this many notices show at once; a new one pushes out the oldest. */
export const MAX_NOTICES = 3;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type NoticeContent = DistributiveOmit<Notice, "id" | "tone">;

/** The notices with `notice` added last, keeping the newest `MAX_NOTICES`. */
export const pushNotice = (notices: readonly Notice[], notice: Notice): readonly Notice[] =>
  [...notices, notice].slice(-MAX_NOTICES);

export const dropNotice = (notices: readonly Notice[], id: number): readonly Notice[] =>
  notices.some((n) => n.id === id) ? notices.filter((n) => n.id !== id) : notices;

/** The codes of an error frame (never its words: views put a `Problem` into words). */
export function problemOfFrame(frame: Extract<ServerFrame, { type: "error" }>): Problem {
  return {
    code: frame.code,
    message: frame.message,
    ...("issues" in frame && frame.issues && { issues: frame.issues }),
    ...("retryAfterMs" in frame &&
      typeof frame.retryAfterMs === "number" && { retryAfterMs: frame.retryAfterMs }),
  };
}

/** The notices shown (`RoomState.notices`), each with an id of its own; info ones go by themselves after `infoMs`. */
export class Notices {
  readonly #clock: Clock;
  readonly #infoMs: number;
  readonly #store: RoomStore;
  #lastId = 0;

  constructor(clock: Clock, infoMs: number, store: RoomStore) {
    this.#clock = clock;
    this.#infoMs = infoMs;
    this.#store = store;
  }

  notify(tone: Notice["tone"], content: NoticeContent): void {
    const notice = { ...content, id: ++this.#lastId, tone } as Notice;
    this.#store.update({ notices: pushNotice(this.#store.state.notices, notice) });
    if (tone === "info") this.#clock.setTimeout(() => this.dismiss(notice.id), this.#infoMs);
  }

  dismiss(id: number): void {
    const notices = dropNotice(this.#store.state.notices, id);
    if (notices !== this.#store.state.notices) this.#store.update({ notices });
  }
}
