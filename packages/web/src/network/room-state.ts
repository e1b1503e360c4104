import type { Problem } from "./api-error";
import type { Member, Message, PresenceFrame, ReadPosition, Room, SnapshotPart, Todo } from "./protocol";

/**
 * What the person sees: `connecting` (first time), `live`, `reconnecting` (after a drop), `closed` (for good;
 * `RoomState.ended` says why).
 */
export type ConnectionStatus = "connecting" | "live" | "reconnecting" | "closed";

/**
 * Why a connection ended for good: `stopped` (we left the screen), `removed` (the owner removed us: a
 * `removed` frame, or a ticket refused with 403), `not_found` (the room does not exist or is private and not
 * ours: ticket 404), `signed_out` (our token was refused: ticket 401), `room_full` (a ticket refused with
 * `limit_reached`), `refused` (the socket's handshake was refused again and again although tickets were
 * granted: a full room looks like this to a browser, which is not told the handshake's status), `too_large`
 * (the server cannot send this room's snapshot). None of these is retried.
 */
export type EndReason =
  | "stopped"
  | "removed"
  | "not_found"
  | "signed_out"
  | "room_full"
  | "refused"
  | "too_large";

/**
 * A message of ours the server has not confirmed yet. `queued`: waiting for a live connection; `sending`: on
 * the wire, waiting for the server's copy; `failed`: no copy came back in time (or the server refused it).
 */
export interface PendingMessage {
  clientMessageId: string;
  text: string;
  /** The userIds picked with `@` completion. */
  mentions: readonly string[];
  author: string;
  createdAt: string;
  state: "queued" | "sending" | "failed";
}

/**
 * Something the person should know, as data (views word it): `todoConflict` (our edit lost a race; the
 * server's todo is shown now), `refused` (the server refused a frame; `action` names it when the error frame
 * did), `slowedDown` (the server refused a frame as `rate_limited`: what we send waits `retryAfterMs` and then
 * goes out by itself), `frameTooLarge` (the server closed the socket over a frame of ours, 1009).
 */
export type Notice = { id: number; tone: "info" | "error" } & (
  | { kind: "todoConflict"; todoTitle: string }
  | { kind: "refused"; problem: Problem; action?: string }
  | { kind: "slowedDown"; retryAfterMs: number }
  | { kind: "frameTooLarge" }
);

export interface OlderHistory {
  /** Fetches the page before this seq; null when the oldest message is already here. */
  cursor: number | null;
  loading: boolean;
  error: Problem | null;
}

/** Everything a room screen renders. Replaced (never mutated) on every change, so views can compare by reference. */
export interface RoomState {
  status: ConnectionStatus;
  /** True once the first snapshot arrived. */
  synced: boolean;
  room: Room | null;
  /** Confirmed messages, each seq (and messageId) once, in seq order. */
  messages: readonly Message[];
  /**
   * The highest seq held with none missing before it (down to the oldest page loaded): where a catch-up sync
   * starts. 0 before the first snapshot and in an empty room.
   */
  lastSeq: number;
  pending: readonly PendingMessage[];
  /** In `position` order. */
  todos: readonly Todo[];
  /**
   * Live connections we know of: every one in rooms up to the presence-detail limit; in larger rooms only
   * those seen joining since (`presence` frames); the room's member list is paged over HTTP there.
   */
  members: readonly Member[];
  /** How many connections are live in the room (snapshot's `memberCount`, then presence); null before the first snapshot. */
  memberCount: number | null;
  older: OlderHistory;
  /** When the next reconnect attempt happens (epoch ms), while waiting for one. */
  retryAt: number | null;
  notices: readonly Notice[];
  /** Set once the status is `closed`. */
  ended: EndReason | null;
  /** My read position as far as we know: the snapshot's `readSeq`, moved on by `markRead` and my own messages. */
  readSeq: number;
  /**
   * My read position when the room was opened, if something after it was unread then: the "New messages"
   * divider goes before the first message after it. Fixed for as long as this connection lives.
   */
  unreadAfter: number | null;
  /** The other members' read positions, one per userId (small rooms only; never mine). */
  reads: readonly ReadPosition[];
  /** Who else is typing right now, one per userId, in the order they started. */
  typing: readonly Typist[];
}

export interface Typist {
  userId: string;
  name: string;
}

export const initialRoomState = (): RoomState => ({
  status: "connecting",
  synced: false,
  room: null,
  messages: [],
  pending: [],
  todos: [],
  members: [],
  memberCount: null,
  older: { cursor: null, loading: false, error: null },
  retryAt: null,
  notices: [],
  ended: null,
  lastSeq: 0,
  readSeq: 0,
  unreadAfter: null,
  reads: [],
  typing: [],
});

const bySeq = (a: Message, b: Message) => a.seq - b.seq;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** Fractional indexes compare as plain strings (code units), never by locale; equal positions fall back to creation order. */
const byPosition = (a: Todo, b: Todo) =>
  compare(a.position ?? "", b.position ?? "") || compare(a.todoId, b.todoId);

/**
 * Adds messages, keeping each seq (and each messageId) once and the list in seq order. Returns the same array
 * when nothing is new, so a duplicate frame causes no re-render. The common case (one newer message) is an append.
 */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  if (incoming.length === 0) return current;
  const seqs = new Set(current.map((m) => m.seq));
  const ids = new Set(current.map((m) => m.messageId));
  const fresh: Message[] = [];
  for (const message of incoming) {
    if (seqs.has(message.seq) || ids.has(message.messageId)) continue;
    seqs.add(message.seq);
    ids.add(message.messageId);
    fresh.push(message);
  }
  if (fresh.length === 0) return current;
  fresh.sort(bySeq);
  const last = current.at(-1);
  if (!last || last.seq < (fresh[0] as Message).seq) return [...current, ...fresh];
  return [...current, ...fresh].sort(bySeq);
}

/**
 * How far the held messages run on from `from` without a hole: the highest seq reachable from `from` by
 * steps of one. `messages` is in seq order.
 */
export function contiguousEnd(messages: readonly Message[], from: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((messages[middle] as Message).seq <= from) low = middle + 1;
    else high = middle;
  }
  let end = from;
  for (let i = low; i < messages.length && (messages[i] as Message).seq === end + 1; i++) end++;
  return end;
}

/**
 * One snapshot from the frames of a snapshot sent in parts. The server slices todos, members and messages across
 * the parts (joined here in part order) and repeats the rest in each (taken from the last part that has it;
 * `hasMore` too, as it describes where the whole snapshot ends).
 */
export function joinSnapshotParts(parts: readonly SnapshotPart[]): SnapshotPart {
  const ordered = [...parts].sort((a, b) => (a.part ?? 0) - (b.part ?? 0));
  const joined: SnapshotPart = { todos: [], members: [], messages: [], changes: [] };
  for (const part of ordered) {
    // `changes` joined too, whether sliced or repeated: applying a message's current copy twice is harmless.
    for (const key of ["todos", "members", "messages", "changes"] as const) {
      const list = part[key];
      if (Array.isArray(list)) (joined[key] as unknown[]).push(...list);
    }
    for (const key of ["room", "memberCount", "hasMore", "readSeq", "reads", "syncedAt"] as const) {
      if (part[key] !== undefined) (joined as Record<string, unknown>)[key] = part[key];
    }
  }
  return joined;
}

/** Moves one member's read position forward (never back), adding them if new. */
export function advanceRead(
  reads: readonly ReadPosition[],
  { userId, seq }: ReadPosition,
): readonly ReadPosition[] {
  const index = reads.findIndex((r) => r.userId === userId);
  if (index === -1) return [...reads, { userId, seq }];
  if ((reads[index] as ReadPosition).seq >= seq) return reads;
  const next = reads.slice();
  next[index] = { userId, seq };
  return next;
}

/**
 * Adds or replaces a todo, keeping `position` order (a move changes the position); an older version never
 * overwrites a newer one (broadcasts may arrive out of order).
 */
export function upsertTodo(todos: readonly Todo[], todo: Todo): readonly Todo[] {
  const index = todos.findIndex((t) => t.todoId === todo.todoId);
  if (index === -1) return [...todos, todo].sort(byPosition);
  const current = todos[index] as Todo;
  if (current.version > todo.version) return todos;
  const next = todos.slice();
  next[index] = todo;
  return current.position === todo.position ? next : next.sort(byPosition);
}

export const removeTodo = (todos: readonly Todo[], todoId: string): readonly Todo[] =>
  todos.some((t) => t.todoId === todoId) ? todos.filter((t) => t.todoId !== todoId) : todos;

/** A snapshot's todo list is authoritative, except that it cannot resurrect a todo deleted since it was read. */
export const snapshotTodos = (todos: readonly Todo[], deleted: ReadonlySet<string>): readonly Todo[] =>
  todos.filter((t) => !deleted.has(t.todoId)).sort(byPosition);

export const addMember = (members: readonly Member[], member: Member): readonly Member[] =>
  members.some((m) => m.memberId === member.memberId) ? members : [...members, member];

export const removeMember = (members: readonly Member[], member: Member): readonly Member[] =>
  members.some((m) => m.memberId === member.memberId)
    ? members.filter((m) => m.memberId !== member.memberId)
    : members;

/** A `presence` frame (rooms past the presence-detail limit): who left goes, who joined comes (each connection once). */
export function applyPresence(
  members: readonly Member[],
  { joined, left }: PresenceFrame,
): readonly Member[] {
  const gone = new Set(left.map((m) => m.memberId));
  let next = gone.size === 0 ? members : members.filter((m) => !gone.has(m.memberId));
  for (const member of joined) if (!gone.has(member.memberId)) next = addMember(next, member);
  return next;
}
