/**
 * Fields a handler adds to its invocation's log line (room, broadcast counts). Keyed by the event object, which
 * is unique per invocation even when the local gateway runs many invocations at once in one process.
 */
const notes = new WeakMap<object, Record<string, unknown>>();

export function noteInvocation(event: object, fields: Record<string, unknown>): void {
  notes.set(event, { ...notes.get(event), ...fields });
}

export function invocationNotes(event: object): Record<string, unknown> {
  return notes.get(event) ?? {};
}
