import * as z from "zod/mini";
import "../errors/english-messages";
import { Claim } from "../claim";
import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { LOST, RETRY, retryTransaction } from "../db/retry-transaction";
import {
  type CancellationReason,
  failedConditions,
  isRetryableCancellation,
} from "../db/transaction-outcome";
import { ConflictError, LimitReachedError, NotFoundError, ValidationError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { userIdSchema } from "../identity/user-id";
import { idSchema, newId } from "../ids/ids";
import { defaultLimits } from "../limits/limits";
import type { Todo } from "../protocol/shapes";
import { todoTitle } from "../text/free-text";
import type { TodoItem } from "./todo.entity";
import { openTodoList } from "./todo-list";
import { lastPosition, orderedTodos, positionAfter, positionBetween, toTodo } from "./todo-order";

export { orderedTodos } from "./todo-order";

/** 1..200 code points, one line, trimmed; controls, text-direction characters, blank titles refused. */
export const title = todoTitle;
const version = z.number().check(z.int(), z.gte(1), z.lte(Number.MAX_SAFE_INTEGER));
/** Fields a client sends (the room comes from its connection); the inputs below add the room. */
export const addFields = z.object({
  title,
  clientTodoId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export const updateFields = z.object({
  todoId: idSchema,
  version,
  title: z.optional(title),
  done: z.optional(z.boolean()),
  /** A member of the room, or null to unassign. */
  assigneeId: z.optional(z.nullable(userIdSchema)),
});
/** `after`: the todo this one goes right after; null puts it first. */
export const moveFields = z.object({ todoId: idSchema, version, after: z.nullable(idSchema) });
export const removeFields = z.object({ todoId: idSchema, version });

/** The rule every update obeys, whoever parses it (frame or core input): it must change something. */
export const changesSomething = z.refine<{ title?: string; done?: boolean; assigneeId?: string | null }>(
  (u) => u.title !== undefined || u.done !== undefined || u.assigneeId !== undefined,
  "give title, done or assigneeId to change",
);
export const addInput = z.extend(addFields, { roomId: idSchema, userId: z.string().check(z.minLength(1)) });
export const updateInput = z.extend(updateFields, { roomId: idSchema }).check(changesSomething);
export const moveInput = z.extend(moveFields, { roomId: idSchema });
export const removeInput = z.extend(removeFields, { roomId: idSchema });
export const listInput = z.object({ roomId: idSchema });

/*
 * Every write below but a plain update is one transaction, read by its cancellation reasons
 * (db/transaction-outcome.ts): a false condition means what that item's condition says (a lost race is read
 * again: LOST); throttling and transaction conflicts are retried with backoff (RETRY) and end as
 * TransactionContendedError (`internal`, logged at ERROR), never as a domain answer such as not_found.
 */

/**
 * Adds a todo at version 1, last in the list. Checked against the room's cap (`limit_reached` past it) in the
 * same transaction that counts it, so concurrent adds never pass the cap. With a `clientTodoId` the add is
 * idempotent: the id is claimed in the same transaction, and a repeat returns the todo that won
 * (`created: false`), even at the cap.
 */
export async function add(
  db: Db,
  input: z.input<typeof addInput>,
  { now = new Date(), maxTodos = defaultLimits.todosPerRoom }: { now?: Date; maxTodos?: number } = {},
): Promise<{ todo: Todo; created: boolean }> {
  const { roomId, userId, title, clientTodoId } = parseInput(addInput, input);
  const at = now.toISOString();
  const todoId = newId(now.getTime());
  const claimKey = clientTodoId && { roomId, scope: "todo" as const, userId, clientId: clientTodoId };
  return retryTransaction({ operation: "addTodo" }, async () => {
    const todo: Todo = {
      todoId,
      roomId,
      title,
      done: false,
      version: 1,
      position: positionBetween(await lastPosition(db, roomId), null),
      createdAt: at,
      updatedAt: at,
    };
    const { canceled, data } = await db.transaction
      .write(({ todo: todos, todoList, todoPosition, claim }) => [
        todoList
          .patch({ roomId })
          .add({ count: 1 })
          .where((attr, { lt }) => lt(attr.count, maxTodos))
          // At the cap, the count comes back; a missing list (null) is opened below.
          .commit({ response: "all_old" }),
        todoPosition.create({ roomId, position: todo.position, todoId }).commit(),
        todos.create(todo).commit(),
        ...(claimKey ? [claim.create({ ...claimKey, targetId: todoId }).commit()] : []),
      ])
      .go();
    if (!canceled) return { todo, created: true };
    const failed = failedConditions(data);
    if (claimKey && failed.includes(3)) return { todo: await getClaimed(db, claimKey), created: false };
    if (failed.includes(0)) {
      if (data[0]?.item) throw new LimitReachedError(`This room holds ${maxTodos} todos, the most it can`);
      await openTodoList(db, roomId);
      return LOST;
    }
    // A concurrent add or move took this position: read the last one again.
    if (failed.includes(1)) return LOST;
    if (isRetryableCancellation(data)) return RETRY;
    throw unexpected("addTodo", data);
  });
}

/** The todo a client id was claimed for; NotFoundError if that todo has since been deleted. */
async function getClaimed(db: Db, key: Parameters<typeof Claim.find>[1]): Promise<Todo> {
  const claim = await Claim.find(db, key);
  const stored = claim && (await getItem(db, { roomId: key.roomId, todoId: claim.targetId }));
  if (!stored) throw new NotFoundError(`The todo for client id ${key.clientId} was deleted`);
  return asTodo(db, stored);
}

/**
 * Applies an edit if `version` is current (then version + 1); otherwise ConflictError carrying the current
 * todo. A new `assigneeId` must be a member of the room, checked in the same transaction (a member removed at
 * that moment cannot slip in); null unassigns. Without an assignee to check it is one conditional UpdateItem.
 */
export async function update(db: Db, input: z.input<typeof updateInput>, now = new Date()): Promise<Todo> {
  const { roomId, todoId, version, title, done, assigneeId } = parseInput(updateInput, input);
  const changes = {
    updatedAt: now.toISOString(),
    ...(title !== undefined && { title }),
    ...(done !== undefined && { done }),
    ...(assigneeId && { assigneeId }),
  };
  return retryTransaction({ operation: "updateTodo" }, async () => {
    if (!assigneeId) {
      // No other item to check: one conditional UpdateItem (throttling is retried by the SDK, then `internal`).
      try {
        const { data } = await (assigneeId === null
          ? db.entities.todo.patch({ roomId, todoId }).set(changes).remove(["assigneeId"])
          : db.entities.todo.patch({ roomId, todoId }).set(changes)
        )
          .add({ version: 1 })
          .where((attr, { eq, exists }) => `${eq(attr.version, version)} AND ${exists(attr.position)}`)
          .go({ response: "all_new" });
        return toTodo(data as TodoItem & { position: string });
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Gone (not_found), at another version (conflict), or stored before positions existed (given one now).
        await current(db, { roomId, todoId, version });
        return LOST;
      }
    }
    const item = await current(db, { roomId, todoId, version });
    if (item === LOST) return LOST;
    const { canceled, data } = await db.transaction
      .write(({ todo, membership }) => [
        todo
          .patch({ roomId, todoId })
          .set(changes)
          .add({ version: 1 })
          .where((attr, { eq }) => eq(attr.version, version))
          .commit(),
        membership
          .check({ roomId, userId: assigneeId })
          .where((attr, { exists }) => exists(attr.userId))
          .commit(),
      ])
      .go();
    if (!canceled) return toTodo({ ...item, ...changes, version: version + 1 });
    const failed = failedConditions(data);
    if (failed.includes(1)) {
      throw new ValidationError("Invalid updateTodo frame: assigneeId: must be a member of the room", [
        { path: ["assigneeId"], message: "must be a member of the room" },
      ]);
    }
    // Changed or deleted since the read: the next attempt reads what is there now and answers from it.
    if (failed.includes(0)) return LOST;
    if (isRetryableCancellation(data)) return RETRY;
    throw unexpected("updateTodo", data);
  });
}

/**
 * Moves a todo to just after `after` (null: first) if `version` is current: a new position between `after` and
 * the todo that follows it, version + 1. The old position is released and the new one taken in one transaction;
 * a concurrent move or add that took the same key makes this one read its neighbours again and retry. When
 * `after` itself moves at the same moment, the todo lands where `after` was: still exactly one position per todo.
 */
export async function move(db: Db, input: z.input<typeof moveInput>, now = new Date()): Promise<Todo> {
  const { roomId, todoId, version, after } = parseInput(moveInput, input);
  if (after === todoId) {
    throw new ValidationError("Invalid moveTodo frame: after: must be another todo", [
      { path: ["after"], message: "must be another todo" },
    ]);
  }
  return retryTransaction({ operation: "moveTodo" }, async () => {
    const [item, anchor] = await Promise.all([
      current(db, { roomId, todoId, version }),
      after === null ? null : current(db, { roomId, todoId: after }),
    ]);
    if (item === LOST || anchor === LOST) return LOST;
    const from = anchor?.position ?? null;
    const position = positionBetween(from, await positionAfter(db, { roomId, after: from, todoId }));
    const updatedAt = now.toISOString();
    const { canceled, data } = await db.transaction
      .write(({ todo, todoPosition }) => [
        todo
          .patch({ roomId, todoId })
          .set({ position, updatedAt })
          .add({ version: 1 })
          .where((attr, { eq }) => eq(attr.version, version))
          .commit(),
        // The key picked may be the one it holds (it already sits right after `after`): nothing to swap then.
        ...(position === item.position
          ? []
          : [
              todoPosition.create({ roomId, position, todoId }).commit(),
              todoPosition
                .delete({ roomId, position: item.position })
                .where((attr, { eq }) => eq(attr.todoId, todoId))
                .commit(),
            ]),
      ])
      .go();
    if (!canceled) return toTodo({ ...item, position, version: version + 1, updatedAt });
    const failed = failedConditions(data);
    if (failed.includes(0)) throw conflict(await get(db, { roomId, todoId }), version);
    if (failed.includes(1)) return LOST;
    if (isRetryableCancellation(data)) return RETRY;
    throw unexpected("moveTodo", data);
  });
}

/**
 * Deletes a todo if `version` is current; otherwise ConflictError carrying the current todo, so a delete never
 * wins silently over an edit made a moment earlier. NotFoundError if it is already gone.
 */
export async function remove(db: Db, input: z.input<typeof removeInput>): Promise<void> {
  const { roomId, todoId, version } = parseInput(removeInput, input);
  await retryTransaction({ operation: "deleteTodo" }, async () => {
    const item = await current(db, { roomId, todoId, version });
    if (item === LOST) return LOST;
    const { canceled, data } = await db.transaction
      .write(({ todo, todoPosition, todoList }) => [
        todo
          .delete({ roomId, todoId })
          .where((attr, { eq }) => eq(attr.version, version))
          .commit(),
        todoPosition.delete({ roomId, position: item.position }).commit(),
        todoList.patch({ roomId }).add({ count: -1 }).commit(),
      ])
      .go();
    if (!canceled) return undefined;
    const failed = failedConditions(data);
    // Changed or deleted since the read: the next attempt reads what is there now and answers from it.
    if (failed.includes(0)) return LOST;
    if (failed.includes(2)) {
      await openTodoList(db, roomId);
      return LOST;
    }
    if (isRetryableCancellation(data)) return RETRY;
    throw unexpected("deleteTodo", data);
  });
}

/** Reads one todo, or throws NotFoundError. */
export async function get(db: Db, { roomId, todoId }: { roomId: string; todoId: string }): Promise<Todo> {
  const item = await getItem(db, { roomId, todoId });
  if (!item) throw new NotFoundError(`Todo ${todoId} does not exist`);
  return asTodo(db, item);
}

/** Lists a room's todos in list order (by position). */
export async function list(db: Db, input: z.input<typeof listInput>): Promise<Todo[]> {
  const { roomId } = parseInput(listInput, input);
  const { data } = await db.entities.todo.query.byRoom({ roomId }).go({ pages: "all" });
  return orderedTodos(data);
}

/**
 * The stored todo, checked before a write: NotFoundError when it does not exist; with a `version`, ConflictError
 * carrying the current todo when it is at another. A todo stored before positions existed gets its position
 * first (LOST: read it again).
 */
async function current(
  db: Db,
  { roomId, todoId, version }: { roomId: string; todoId: string; version?: number },
): Promise<(TodoItem & { position: string }) | typeof LOST> {
  const item = await getItem(db, { roomId, todoId });
  if (!item) throw new NotFoundError(`Todo ${todoId} does not exist`);
  const { position } = item;
  if (!position) {
    await openTodoList(db, roomId);
    return LOST;
  }
  if (version !== undefined && item.version !== version)
    throw conflict(toTodo({ ...item, position }), version);
  return { ...item, position };
}

async function getItem(db: Db, key: { roomId: string; todoId: string }): Promise<TodoItem | null> {
  const { data } = await db.entities.todo.get(key).go({ consistent: true });
  return data;
}

/** A stored todo as clients see it; one stored before positions existed gets its position first. */
async function asTodo(db: Db, item: TodoItem): Promise<Todo> {
  if (item.position) return toTodo({ ...item, position: item.position });
  await openTodoList(db, item.roomId);
  const placed = await getItem(db, item);
  if (!placed?.position) throw new NotFoundError(`Todo ${item.todoId} does not exist`);
  return toTodo({ ...placed, position: placed.position });
}

const conflict = (current: Todo, version: number) =>
  new ConflictError(`Todo ${current.todoId} is at version ${current.version}, not ${version}`, current);

const unexpected = (operation: string, reasons: readonly CancellationReason[]) =>
  new Error(`${operation} cancelled: ${JSON.stringify(reasons.map((reason) => reason.code))}`);
