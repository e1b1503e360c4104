import { generateKeyBetween, generateNKeysBetween } from "fractional-indexing";
import type { Db } from "../db/create-db";
import type { Todo } from "../protocol/shapes";
import type { TodoItem } from "./todo.entity";

/**
 * Where todos go in their room's list. A position is a fractional index (package fractional-indexing: strings
 * that sort between any two others), so a move rewrites one todo, never its neighbours. Every taken position has
 * a todoPosition item (todo.entity.ts): reads below are Queries over those, strongly consistent, and the write
 * that takes a position creates its item on condition, so a concurrent writer that computed the same key loses
 * and computes again.
 */

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The last taken position in a room, or null for an empty list. */
export async function lastPosition(db: Db, roomId: string): Promise<string | null> {
  const { data } = await db.entities.todoPosition.query
    .byPosition({ roomId })
    .go({ order: "desc", limit: 1, consistent: true });
  return data[0]?.position ?? null;
}

/**
 * The first taken position after `after` (null: from the start) that is not `todoId`'s own, or null when
 * nothing follows: the upper bound for a todo moving to just after `after`.
 */
export async function positionAfter(
  db: Db,
  { roomId, after, todoId }: { roomId: string; after: string | null; todoId: string },
): Promise<string | null> {
  const query = db.entities.todoPosition.query.byPosition({ roomId });
  const { data } = await (after === null ? query : query.gt({ position: after })).go({
    order: "asc",
    limit: 2,
    consistent: true,
  });
  return data.find((taken) => taken.todoId !== todoId)?.position ?? null;
}

/**
 * Keys a writer picks from for one gap between two todos. Writers racing for one gap (moves after the same todo)
 * would all compute the same single key, so all but one would lose and read again, round after round; picking at
 * random among a few distinct keys of the gap lets most of them land at once. Uniqueness does not rest on this
 * (the position item's condition guarantees it), only the number of retries.
 */
const KEYS_PER_GAP = 8;

/**
 * A key between two positions (either may be null: the start or the end of the list). At the end of the list
 * (`after` null: an add, or a move to last) always the first key after `before`: adds racing for the end all
 * compute the same key, the first to commit takes it and the others read again and go after it. A random pick
 * would put the second of two overlapping adds before the first half the time.
 */
export function positionBetween(before: string | null, after: string | null, random = Math.random): string {
  if (after === null) return generateKeyBetween(before, null);
  const keys = generateNKeysBetween(before, after, KEYS_PER_GAP);
  return keys[Math.floor(random() * keys.length)] as string;
}

export const toTodo = ({
  todoId,
  roomId,
  title,
  done,
  version,
  position,
  assigneeId,
  createdAt,
  updatedAt,
}: TodoItem & { position: string }): Todo => ({
  todoId,
  roomId,
  title,
  done,
  version,
  position,
  ...(assigneeId && { assigneeId }),
  createdAt,
  updatedAt,
});

/**
 * Positions for todos stored before positions existed: after every positioned todo, in creation order (their
 * v1 order). Reads show exactly what the room's first todo write then stores (todo-list.ts), so no client sees
 * the list reorder when that happens.
 */
export function legacyPositions(items: readonly TodoItem[]): Map<string, string> {
  const placed = items.flatMap((item) => (item.position ? [item.position] : [])).sort(byString);
  const last = placed.at(-1) ?? null;
  const legacy = items.filter((item) => !item.position).sort((a, b) => byString(a.todoId, b.todoId));
  const keys = generateNKeysBetween(last, null, legacy.length);
  return new Map(legacy.map((item, i) => [item.todoId, keys[i] as string]));
}

/** A room's todos as every list shows them: ordered by position (the todo id breaks a tie that cannot happen). */
export function orderedTodos(items: readonly TodoItem[]): Todo[] {
  const legacy = legacyPositions(items);
  return items
    .map((item) => toTodo({ ...item, position: item.position ?? (legacy.get(item.todoId) as string) }))
    .sort((a, b) => byString(a.position, b.position) || byString(a.todoId, b.todoId));
}
