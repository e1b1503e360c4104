import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import { defaultLimits } from "../limits/limits";
import type { ClientFrameOf, ServerFrame } from "../protocol";
import { Todo } from "../todo";
import { deliverCreated } from "./deliver-created";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Todo edits from a connection, applied to its own room and fanned out. Conflicts, unknown todos and the cap are
 * thrown as DomainErrors; the ws-error-frame middleware turns them into an error frame for the sender alone.
 */

/**
 * Adds a todo last in the list (`limit_reached` past the room's cap); a repeated clientTodoId adds nothing and
 * the sender alone gets the stored todo back.
 */
export function addTodo({
  db,
  delivery,
  connectionId,
  limits = defaultLimits,
  caller,
  frame: { title, clientTodoId },
}: RealtimeDeps & { frame: ClientFrameOf<"addTodo"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId, userId }) => {
    const { todo, created } = await Todo.add(
      db,
      { roomId, userId, title, clientTodoId },
      { maxTodos: limits.todosPerRoom },
    );
    // The add's clientTodoId rides along, so the adding client can tell its own add's answer from others'.
    const frame = { type: "todo" as const, todo, ...(clientTodoId && { clientTodoId }) };
    return deliverCreated({ db, delivery, connectionId, roomId, frame, created });
  });
}

/** Applies an edit (title, done, assignee) at the version the client saw (ConflictError with the current todo otherwise). */
export function updateTodo({
  db,
  delivery,
  connectionId,
  limits,
  caller,
  frame: { action: _, ...edit },
}: RealtimeDeps & { frame: ClientFrameOf<"updateTodo"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId }) => {
    const todo = await Todo.update(db, { roomId, ...edit });
    return announce({ db, delivery, connectionId }, roomId, { type: "todo", todo });
  });
}

/** Moves a todo to just after another (or first) at the version the client saw. */
export function moveTodo({
  db,
  delivery,
  connectionId,
  limits,
  caller,
  frame: { todoId, version, after },
}: RealtimeDeps & { frame: ClientFrameOf<"moveTodo"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId }) => {
    const todo = await Todo.move(db, { roomId, todoId, version, after });
    return announce({ db, delivery, connectionId }, roomId, { type: "todo", todo });
  });
}

/** Deletes a todo at the version the client saw (ConflictError with the current todo otherwise, NotFoundError if gone). */
export function deleteTodo({
  db,
  delivery,
  connectionId,
  limits,
  caller,
  frame: { todoId, version },
}: RealtimeDeps & { frame: ClientFrameOf<"deleteTodo"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId, limits, caller }, async ({ roomId }) => {
    await Todo.remove(db, { roomId, todoId, version });
    return announce({ db, delivery, connectionId }, roomId, { type: "todoDeleted", todoId });
  });
}

/** The frame to every live connection of the room, the sender's included. */
async function announce(
  { db, delivery }: RealtimeDeps,
  roomId: string,
  frame: ServerFrame,
): Promise<RealtimeOutcome> {
  return { roomId, broadcast: await broadcastToRoom(db, { ...delivery, roomId, frame }) };
}
