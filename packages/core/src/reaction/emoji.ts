import * as z from "zod/mini";
import "../errors/english-messages";

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });
/** What makes a grapheme an emoji: a pictograph, a flag's regional indicators, or a keycap (1️⃣). */
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u;

/** Graphemes (user-perceived characters) in `text`, as Intl.Segmenter counts them. */
export const graphemeCount = (text: string) => [...graphemes.segment(text)].length;

/**
 * A reaction: exactly one emoji, i.e. one grapheme (a ZWJ family, a flag, a skin tone are one) that is a
 * pictograph. At most 32 UTF-16 units: the longest standard emoji sequences take about half of that, and a
 * grapheme can otherwise grow without bound (one letter and any number of combining marks).
 */
export const emojiSchema = z.string().check(
  z.minLength(1),
  z.maxLength(32),
  z.refine((text: string) => graphemeCount(text) === 1, "must be exactly one emoji (one grapheme)"),
  z.refine((text: string) => EMOJI.test(text), "must be an emoji"),
);
