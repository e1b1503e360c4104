const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

const firstGrapheme = (word: string) =>
  graphemes.segment(word)[Symbol.iterator]().next().value?.segment ?? "";

/**
 * What an avatar shows for a name: the first character of its first and last words ("Ana Lima" → "AL", "Bo" →
 * "B"), a character being what a reader sees as one (an emoji with its modifiers, a letter with its accents).
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  const picked = words.length > 1 ? [words[0] as string, words.at(-1) as string] : words;
  return picked.map(firstGrapheme).join("").toLocaleUpperCase() || "?";
}
