/**
 * The words for what asks for attention: unread counts, who has seen the newest message, who is typing, a
 * message that mentions you. Kept apart from the views so the phrasing is in one place (and unit-tested).
 */

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** "3 unread", "3 unread, 1 mention"; empty when there is nothing to say. */
export function unreadText({ unread, mentions }: { unread: number; mentions: number }): string {
  const parts: string[] = [];
  if (unread > 0) parts.push(`${unread} unread`);
  if (mentions > 0) parts.push(plural(mentions, "mention", "mentions"));
  return parts.join(", ");
}

/** A count for a small badge: exact up to 99. */
export const badgeCount = (count: number) => (count > 99 ? "99+" : String(count));

/** "Ana", "Ana and Bo", "Ana, Bo and Cleo", "Ana, Bo and 3 others": the first `shown` names, then a count. */
export function listNames(names: readonly string[], shown = 3): string {
  if (names.length <= 1) return names[0] ?? "";
  if (names.length <= shown) return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  const rest = names.length - shown;
  return `${names.slice(0, shown).join(", ")} and ${plural(rest, "other", "others")}`;
}

/** "Seen by Bo", "Seen by Bo and Cleo", …; empty when nobody else has seen it. */
export const seenByText = (names: readonly string[]) => (names.length ? `Seen by ${listNames(names)}` : "");

/** "Bo is typing…", "Bo and Cleo are typing…", "Several people are typing…"; empty when nobody is. */
export function typingText(names: readonly string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return "Several people are typing…";
}

/** Read out with a message that names the reader. */
export const mentionsYouText = "Mentions you.";

/** "1 connection live", "250 connections live": how many sockets are in the room (a person may have several). */
export const connectedText = (count: number) => `${plural(count, "connection", "connections")} live`;
