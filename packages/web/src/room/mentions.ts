/**
 * `@` mentions in the composer and in messages: finding the `@…` being typed, suggesting members for it,
 * inserting the pick, and finding `@Name`s again in text. Plain functions; the composer and message list use them.
 */

export interface Mentionable {
  userId: string;
  name: string;
}

/** The `@` being typed at the caret: where it starts and what follows it so far. */
export interface MentionQuery {
  start: number;
  query: string;
}

const MAX_QUERY = 40;
/** An `@` starts a mention at the beginning of the text or after a space or an opening bracket or quote. */
const QUERY_AT_CARET = new RegExp(`(?:^|[\\s([{"'“‘])@([^\\s@]{0,${MAX_QUERY}})$`, "u");
const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

const fold = (text: string) => text.normalize("NFKC").toLocaleLowerCase();

/** The mention being typed just before `caret`, if any. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const match = QUERY_AT_CARET.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1] ?? "";
  return { start: caret - query.length - 1, query };
}

/**
 * Members whose name, or a word of it, starts with `query` (case-insensitive), never `me`: whole-name matches
 * first, then by name. At most `max`.
 */
export function suggestMembers<M extends Mentionable>({
  people,
  query,
  me,
  max = 8,
}: {
  people: readonly M[];
  query: string;
  me: string;
  max?: number;
}): M[] {
  const wanted = fold(query);
  const ranked: { person: M; rank: number }[] = [];
  for (const person of people) {
    if (person.userId === me) continue;
    const name = fold(person.name);
    if (name.startsWith(wanted)) ranked.push({ person, rank: 0 });
    else if (name.split(/\s+/u).some((word) => word.startsWith(wanted))) ranked.push({ person, rank: 1 });
  }
  return ranked
    .sort((a, b) => a.rank - b.rank || a.person.name.localeCompare(b.person.name))
    .slice(0, max)
    .map(({ person }) => person);
}

/** Replaces the `@query` at `mention` (ending at `caret`) with `@Name `; returns the new text and caret. */
export function insertMention({
  text,
  caret,
  mention,
  name,
}: {
  text: string;
  caret: number;
  mention: MentionQuery;
  name: string;
}) {
  const inserted = `@${name} `;
  const after = text.slice(caret).replace(/^ /u, "");
  return {
    text: `${text.slice(0, mention.start)}${inserted}${after}`,
    caret: mention.start + inserted.length,
  };
}

export interface TextSegment {
  text: string;
  mention: boolean;
}

/**
 * `text` cut into plain runs and `@Name` runs for the given names (the longest name wins; a name must end
 * where a word ends, so `@Bob` is not `@Bo`). Text stays text: this only decides what to highlight.
 */
export function mentionSegments(text: string, names: readonly string[]): TextSegment[] {
  const candidates = [...new Set(names)].filter((n) => n.length > 0).sort((a, b) => b.length - a.length);
  const segments: TextSegment[] = [];
  let plainFrom = 0;
  let at = candidates.length ? text.indexOf("@") : -1;
  while (at !== -1) {
    const name = candidates.find(
      (n) => text.startsWith(n, at + 1) && !WORD_CHARACTER.test(text.charAt(at + 1 + n.length)),
    );
    if (!name) {
      at = text.indexOf("@", at + 1);
      continue;
    }
    if (at > plainFrom) segments.push({ text: text.slice(plainFrom, at), mention: false });
    segments.push({ text: `@${name}`, mention: true });
    plainFrom = at + 1 + name.length;
    at = text.indexOf("@", plainFrom);
  }
  if (plainFrom < text.length || segments.length === 0)
    segments.push({ text: text.slice(plainFrom), mention: false });
  return segments;
}

/** The userIds of the picked people whose `@Name` is still in `text` (each once, in pick order). */
export function mentionedUserIds(text: string, picked: readonly Mentionable[]): string[] {
  const ids = picked
    .filter((p) => mentionSegments(text, [p.name]).some((s) => s.mention))
    .map((p) => p.userId);
  return [...new Set(ids)];
}
