import type { Member, Message, Room, Todo } from "@rooms/core/protocol";
import type { Problem } from "./api-error";

/**
 * What the person sees: `connecting` (first time), `live`, `reconnecting` (after a drop), `closed` (for good;
 * `RoomState.ended` says why).
 */
export type ConnectionStatus = "connecting" | "live" | "reconnecting" | "closed";

/**
 * Why a connection ended for good: `stopped` (we left the screen), `removed` (the owner removed us: a
 * `removed` frame, or a ticket refused with 403), `not_found` (the room does not exist or is private and not
 * ours: ticket 404), `signed_out` (our token was refused: ticket 401). None of these is retried.
 */
export type EndReason = "stopped" | "removed" | "not_found" | "signed_out";

/**
 * A message of ours the server has not confirmed yet. `queued`: waiting for a live connection; `sending`: on
 * the wire, waiting for the server's copy; `failed`: no copy came back in time (or the server refused it).
 */
export interface PendingMessage {
  clientMessageId: string;
  text: string;
  author: string;
  createdAt: string;
  state: "queued" | "sending" | "failed";
}

/**
 * Something the person should know, as data (views word it): `todoConflict` (our edit lost a race; the
 * server's todo is shown now), `refused` (the server refused a frame), `frameTooLarge` (the server closed the
 * socket over a frame of ours, 1009).
 */
export type Notice = { id: number; tone: "info" | "error" } & (
  | { kind: "todoConflict"; todoTitle: string }
  | { kind: "refused"; problem: Problem }
  | { kind: "frameTooLarge" }
);

export interface OlderHistory {
  /** Fetches the page before this message id; null when the oldest message is already here. */
  cursor: string | null;
  loading: boolean;
  error: Problem | null;
}

/** Everything a room screen renders. Replaced (never mutated) on every change, so views can compare by reference. */
export interface RoomState {
  status: ConnectionStatus;
  /** True once the first snapshot arrived. */
  synced: boolean;
  room: Room | null;
  /** Confirmed messages, each messageId once, in messageId (= storage) order. */
  messages: readonly Message[];
  pending: readonly PendingMessage[];
  /** In creation (todoId) order. */
  todos: readonly Todo[];
  members: readonly Member[];
  older: OlderHistory;
  /** When the next reconnect attempt happens (epoch ms), while waiting for one. */
  retryAt: number | null;
  notices: readonly Notice[];
  /** Set once the status is `closed`. */
  ended: EndReason | null;
}

export const initialRoomState = (): RoomState => ({
  status: "connecting",
  synced: false,
  room: null,
  messages: [],
  pending: [],
  todos: [],
  members: [],
  older: { cursor: null, loading: false, error: null },
  retryAt: null,
  notices: [],
  ended: null,
});

const byMessageId = (a: Message, b: Message) => (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);
const byTodoId = (a: Todo, b: Todo) => (a.todoId < b.todoId ? -1 : a.todoId > b.todoId ? 1 : 0);

/**
 * Adds messages, keeping each messageId once and the list in messageId order. Returns the same array when
 * nothing is new, so a duplicate frame causes no re-render. The common case (one newer message) is an append.
 */
export function mergeMessages(current: readonly Message[], incoming: readonly Message[]): readonly Message[] {
  if (incoming.length === 0) return current;
  const known = new Set(current.map((m) => m.messageId));
  const fresh: Message[] = [];
  for (const message of incoming) {
    if (known.has(message.messageId)) continue;
    known.add(message.messageId);
    fresh.push(message);
  }
  if (fresh.length === 0) return current;
  fresh.sort(byMessageId);
  const last = current.at(-1);
  if (!last || last.messageId < (fresh[0] as Message).messageId) return [...current, ...fresh];
  return [...current, ...fresh].sort(byMessageId);
}

/** Drops the pending entries the server has now confirmed (matched by clientMessageId). */
export function settlePending(pending: readonly PendingMessage[], confirmed: readonly Message[]): readonly PendingMessage[] {
  if (pending.length === 0 || confirmed.length === 0) return pending;
  const ids = new Set(confirmed.map((m) => m.clientMessageId));
  const left = pending.filter((p) => !ids.has(p.clientMessageId));
  return left.length === pending.length ? pending : left;
}

/** Adds or replaces a todo; an older version never overwrites a newer one (broadcasts may arrive out of order). */
export function upsertTodo(todos: readonly Todo[], todo: Todo): readonly Todo[] {
  const index = todos.findIndex((t) => t.todoId === todo.todoId);
  if (index === -1) return [...todos, todo].sort(byTodoId);
  if ((todos[index] as Todo).version > todo.version) return todos;
  const next = todos.slice();
  next[index] = todo;
  return next;
}

export const removeTodo = (todos: readonly Todo[], todoId: string): readonly Todo[] =>
  todos.some((t) => t.todoId === todoId) ? todos.filter((t) => t.todoId !== todoId) : todos;

/** A snapshot's todo list is authoritative, except that it cannot resurrect a todo deleted since it was read. */
export const snapshotTodos = (todos: readonly Todo[], deleted: ReadonlySet<string>): readonly Todo[] =>
  todos.filter((t) => !deleted.has(t.todoId)).sort(byTodoId);

export const addMember = (members: readonly Member[], member: Member): readonly Member[] =>
  members.some((m) => m.memberId === member.memberId) ? members : [...members, member];

export const removeMember = (members: readonly Member[], member: Member): readonly Member[] =>
  members.some((m) => m.memberId === member.memberId) ? members.filter((m) => m.memberId !== member.memberId) : members;

/** The newest message id held, i.e. where a catch-up `sync` starts. */
export const lastMessageId = (messages: readonly Message[]): string | undefined => messages.at(-1)?.messageId;
