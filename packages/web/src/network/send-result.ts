/**
 * Why a command was not sent, as a code (views word it): `offline` (not live right now), `ended` (the
 * connection is closed for good), `empty` / `tooLong` (message text), `tooManyMentions` (over the contract's
 * 20), `todoTitleMissing` / `todoTitleTooLong`, `tooLarge` (the frame would exceed API Gateway's 32 KB),
 * `cannotMove` (the todo is already first or last, or gone).
 */
export type Refusal =
  | "offline"
  | "ended"
  | "empty"
  | "tooLong"
  | "tooManyMentions"
  | "todoTitleMissing"
  | "todoTitleTooLong"
  | "tooLarge"
  | "cannotMove";
export type SendResult = { ok: true } | { ok: false; refusal: Refusal };

export const refused = (refusal: Refusal): SendResult => ({ ok: false, refusal });
