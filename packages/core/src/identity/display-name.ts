import * as z from "zod/mini";
import "../errors/english-messages";

/**
 * Characters a display name may not contain: C0/C1 controls, the bidi embeddings and overrides (U+202A–202E),
 * the bidi isolates (U+2066–2069) and the directional marks (U+200E, U+200F, U+061C). They let a name
 * rewrite how the text around it reads ("‮txt.exe"), which is impersonation, not a name.
 */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;
/** Invisible characters (white space and Unicode's default-ignorable code points): a name of only these looks empty. */
const INVISIBLE = /[\s\p{Default_Ignorable_Code_Point}]/gu;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Length in code points, as the contract counts it. */
const codePoints = (text: string) => [...text].length;

/**
 * A display name: NFKC-normalised and trimmed, then 1..40 code points. Control, bidi-override,
 * zero-width-only and unpaired-surrogate input is refused (400), never cleaned up silently.
 */
export const displayName = z
  .pipe(
    z.string().check(
      z.refine(
        (raw: string) => !LONE_SURROGATE.test(raw),
        "must be valid Unicode text (no unpaired surrogates)",
      ),
      // Checked before trimming: trim() would quietly drop a leading or trailing TAB, LF, VT, FF or CR.
      z.refine(
        (raw: string) => !FORBIDDEN.test(raw.normalize("NFKC")),
        "must not contain control or text-direction characters",
      ),
    ),
    z.transform((raw: string) => raw.normalize("NFKC").trim()),
  )
  .check(
    z.refine((name: string) => name.replace(INVISIBLE, "").length > 0, "must contain a visible character"),
    z.refine((name: string) => codePoints(name) <= 40, "must be at most 40 characters"),
  );
