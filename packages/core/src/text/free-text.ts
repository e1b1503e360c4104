import * as z from "zod/mini";
import "../errors/english-messages";

/**
 * The one set of rules for text people type (display names, room names, message text, todo titles). Refused,
 * never cleaned up silently: C0/C1 control characters (message text keeps line feed and tab), the bidi
 * embeddings and overrides (U+202A–202E), isolates (U+2066–2069) and directional marks (U+200E, U+200F, U+061C),
 * which let text rewrite how the text around it reads ("‮txt.exe"), text that is only invisible characters, and
 * unpaired surrogates (not Unicode at all: DynamoDB would refuse or mangle them). Lengths count code points.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS_BUT_LINE_FEED_AND_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
const TEXT_DIRECTION = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;
/** Invisible characters (white space and Unicode's default-ignorable code points): text of only these looks empty. */
const INVISIBLE = /[\s\p{Default_Ignorable_Code_Point}]/gu;
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Length in code points, as the contract counts it. */
export const codePoints = (text: string) => [...text].length;

export interface FreeTextRules {
  /** Most code points, after normalisation and trimming. */
  max: number;
  /** Message text: line feeds and tabs allowed, kept as typed (not trimmed). */
  multiline?: boolean;
  /** Names people are known or found by: NFKC-normalised (full-width, ligatures, compatibility forms) first. */
  identifier?: boolean;
}

/** A zod/mini schema for one free-text field: the rules above, 1..`max` visible code points. */
export function freeText({ max, multiline = false, identifier = false }: FreeTextRules) {
  const controls = multiline ? CONTROLS_BUT_LINE_FEED_AND_TAB : CONTROLS;
  const normalise = (raw: string) => (identifier ? raw.normalize("NFKC") : raw);
  return z
    .pipe(
      z.string().check(
        z.refine(
          (raw: string) => !LONE_SURROGATE.test(raw),
          "must be valid Unicode text (no unpaired surrogates)",
        ),
        // Checked before trimming: trim() would quietly drop a leading or trailing TAB, LF, VT, FF or CR.
        z.refine(
          (raw: string) => !controls.test(normalise(raw)),
          multiline
            ? "must not contain control characters (line breaks and tabs are fine)"
            : "must not contain control characters",
        ),
        z.refine(
          (raw: string) => !TEXT_DIRECTION.test(normalise(raw)),
          "must not contain text-direction characters",
        ),
      ),
      z.transform((raw: string) => (multiline ? raw : normalise(raw).trim())),
    )
    .check(
      z.refine((text: string) => text.replace(INVISIBLE, "").length > 0, "must contain a visible character"),
      z.refine((text: string) => codePoints(text) <= max, `must be at most ${max} characters`),
    );
}

/** Display names: 1..40, NFKC (contract: Identity). */
export const displayName = freeText({ max: 40, identifier: true });
/** Room names: 1..80, NFKC (a name people find a room by). */
export const roomName = freeText({ max: 80, identifier: true });
/** Message text: 1..4000, line feeds and tabs kept, not normalised (what was typed is what is shown). */
export const messageText = freeText({ max: 4000, multiline: true });
/** Todo titles: 1..200, one line, trimmed, not normalised. */
export const todoTitle = freeText({ max: 200 });
