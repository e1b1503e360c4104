/**
 * A display name: NFKC-normalised and trimmed, then 1..40 code points. Control, bidi-override,
 * zero-width-only and unpaired-surrogate input is refused (400), never cleaned up silently. The rules are the
 * ones of every free-text field (text/free-text.ts).
 */
export { displayName } from "../text/free-text";
