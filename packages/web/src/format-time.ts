const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateAndTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
const dateOnly = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

/** "14:05" today, "Mar 3, 14:05" on other days. */
export function formatMessageTime(iso: string, now = new Date()): string {
  const date = new Date(iso);
  return sameDay(date, now) ? timeOnly.format(date) : dateAndTime.format(date);
}

/** "Last message 14:05" today, "Last message Mar 3, 14:05" on other days. */
export const formatLastMessage = (iso: string, now = new Date()): string =>
  `Last message ${formatMessageTime(iso, now)}`;

/** "Created today" / "Created Mar 3, 2025". */
export function formatCreated(iso: string, now = new Date()): string {
  const date = new Date(iso);
  return sameDay(date, now) ? "Created today" : `Created ${dateOnly.format(date)}`;
}
