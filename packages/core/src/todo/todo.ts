import * as z from "zod/mini";
import "../errors/english-messages";
import { isConditionFailure } from "../db/condition-failure";
import type { Db } from "../db/create-db";
import { ConflictError, NotFoundError } from "../errors/domain-errors";
import { parseInput } from "../errors/parse-input";
import { idSchema, newId } from "../ids/ids";
import type { Todo } from "../protocol/shapes";
import type { TodoItem } from "./todo.entity";

export const title = z.string().check(z.trim(), z.minLength(1), z.maxLength(200));
/** Fields a client sends (the room comes from its connection); the inputs below add the room. */
export const addFields = z.object({
  title,
  clientTodoId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export const updateFields = z.object({
  todoId: idSchema,
  version: z.number().check(z.int(), z.gte(1)),
  title: z.optional(title),
  done: z.optional(z.boolean()),
});
export const removeFields = z.object({ todoId: idSchema });

export const hasChange = (u: { title?: string; done?: boolean }) =>
  u.title !== undefined || u.done !== undefined;
export const addInput = z.extend(addFields, { roomId: idSchema, userId: z.string().check(z.minLength(1)) });
export const updateInput = z
  .extend(updateFields, { roomId: idSchema })
  .check(z.refine(hasChange, "give title or done to change"));
export const removeInput = z.extend(removeFields, { roomId: idSchema });
export const listInput = z.object({ roomId: idSchema });

export const toTodo = ({ todoId, roomId, title, done, version, createdAt, updatedAt }: TodoItem): Todo => ({
  todoId,
  roomId,
  title,
  done,
  version,
  createdAt,
  updatedAt,
});

/**
 * Adds a todo at version 1. With a `clientTodoId` the add is idempotent: the id is claimed in the same
 * transaction, and a repeat returns the todo that won (`created: false`).
 */
export async function add(db: Db, input: z.input<typeof addInput>, now = new Date()) {
  const { roomId, userId, title, clientTodoId } = parseInput(addInput, input);
  const at = now.toISOString();
  const todo: Todo = {
    todoId: newId(now.getTime()),
    roomId,
    title,
    done: false,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  if (!clientTodoId) {
    await db.entities.todo.create(todo).go();
    return { todo, created: true };
  }
  const { canceled } = await db.transaction
    .write(({ todo: todos, claim }) => [
      claim.create({ roomId, scope: "todo", userId, clientId: clientTodoId, targetId: todo.todoId }).commit(),
      todos.create(todo).commit(),
    ])
    .go();
  if (!canceled) return { todo, created: true };
  const { data: claim } = await db.entities.claim
    .get({ roomId, scope: "todo", userId, clientId: clientTodoId })
    .go({ consistent: true });
  const { data: stored } = claim
    ? await db.entities.todo.get({ roomId, todoId: claim.targetId }).go({ consistent: true })
    : { data: null };
  if (!stored) throw new NotFoundError(`Todo for client id ${clientTodoId} was deleted`);
  return { todo: toTodo(stored), created: false };
}

/** Applies an edit if `version` is current (then version + 1); otherwise ConflictError carrying the current todo. */
export async function update(db: Db, input: z.input<typeof updateInput>, now = new Date()): Promise<Todo> {
  const { roomId, todoId, version, title, done } = parseInput(updateInput, input);
  const changes = {
    updatedAt: now.toISOString(),
    ...(title !== undefined && { title }),
    ...(done !== undefined && { done }),
  };
  try {
    const { data } = await db.entities.todo
      .patch({ roomId, todoId })
      .set(changes)
      .add({ version: 1 })
      .where((attr, { eq }) => eq(attr.version, version))
      .go({ response: "all_new" });
    return toTodo(data as TodoItem);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await get(db, { roomId, todoId });
    throw new ConflictError(`Todo ${todoId} is at version ${current.version}, not ${version}`, current);
  }
}

/** Deletes a todo; NotFoundError if it is already gone. */
export async function remove(db: Db, input: z.input<typeof removeInput>): Promise<void> {
  const { roomId, todoId } = parseInput(removeInput, input);
  try {
    await db.entities.todo.remove({ roomId, todoId }).go();
  } catch (error) {
    if (isConditionFailure(error)) throw new NotFoundError(`Todo ${todoId} does not exist`);
    throw error;
  }
}

/** Reads one todo, or throws NotFoundError. */
export async function get(db: Db, { roomId, todoId }: { roomId: string; todoId: string }): Promise<Todo> {
  const { data } = await db.entities.todo.get({ roomId, todoId }).go({ consistent: true });
  if (!data) throw new NotFoundError(`Todo ${todoId} does not exist`);
  return toTodo(data);
}

/** Lists a room's todos in creation order. */
export async function list(db: Db, input: z.input<typeof listInput>): Promise<Todo[]> {
  const { roomId } = parseInput(listInput, input);
  const { data } = await db.entities.todo.query.byRoom({ roomId }).go({ pages: "all" });
  return data.map(toTodo);
}
