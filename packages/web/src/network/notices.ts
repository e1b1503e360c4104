import type { Problem } from "./api-error";
import type { ServerFrame } from "./protocol";
import type { Notice } from "./room-state";

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
