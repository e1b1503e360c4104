import { broadcastToRoom } from "../broadcast/broadcast-to-room";
import { sendToConnection } from "../broadcast/send-to-connection";
import type { ClientFrameOf } from "../protocol";
import { Todo } from "../todo";
import { forJoinedConnection } from "./for-joined-connection";
import type { RealtimeDeps, RealtimeOutcome } from "./realtime-deps";

/**
 * Todo edits from a connection, applied to its own room and fanned out. Conflicts and unknown todos are thrown
 * as DomainErrors; the ws-error-frame middleware turns them into an error frame for the sender alone.
 */

/** Adds a todo; a repeated clientTodoId adds nothing and the sender alone gets the stored todo back. */
export function addTodo({
  db,
  delivery,
  connectionId,
  frame,
}: RealtimeDeps & { frame: ClientFrameOf<"addTodo"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId }, async ({ roomId, userId }) => {
    const { todo, created } = await Todo.add(db, {
      roomId,
      userId,
      title: frame.title,
      clientTodoId: frame.clientTodoId,
    });
    const out = { type: "todo", todo } as const;
    if (!created)
      return { roomId, reply: await sendToConnection(db, { ...delivery, connectionId, frame: out }) };
    return { roomId, broadcast: await broadcastToRoom(db, { ...delivery, roomId, frame: out }) };
  });
}

/** Applies an edit at the version the client saw (ConflictError with the current todo otherwise). */
export function updateTodo({
  db,
  delivery,
  connectionId,
  frame,
}: RealtimeDeps & { frame: ClientFrameOf<"updateTodo"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId }, async ({ roomId }) => {
    const { todoId, version, title, done } = frame;
    const todo = await Todo.update(db, { roomId, todoId, version, title, done });
    return {
      roomId,
      broadcast: await broadcastToRoom(db, { ...delivery, roomId, frame: { type: "todo", todo } }),
    };
  });
}

/** Deletes a todo (NotFoundError if it is already gone). */
export function deleteTodo({
  db,
  delivery,
  connectionId,
  frame,
}: RealtimeDeps & { frame: ClientFrameOf<"deleteTodo"> }): Promise<RealtimeOutcome> {
  return forJoinedConnection({ db, connectionId }, async ({ roomId }) => {
    await Todo.remove(db, { roomId, todoId: frame.todoId });
    return {
      roomId,
      broadcast: await broadcastToRoom(db, {
        ...delivery,
        roomId,
        frame: { type: "todoDeleted", todoId: frame.todoId },
      }),
    };
  });
}
